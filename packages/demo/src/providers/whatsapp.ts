/**
 * Meta WhatsApp Cloud API notifications, as Meta sends them (docs/providers.md): a
 * `whatsapp_business_account` envelope with statuses, inbound messages or user preferences, signed
 * with X-Hub-Signature-256 = `sha256=` + hex HMAC-SHA256 of the raw body with the App Secret.
 * Written from the provider's documentation, independently of ingest's verifier. Pure.
 */
import { createHmac } from 'node:crypto';

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';

/** A notification carrying one change of `field` for the business number `displayNumber`. */
export function waEnvelope(
  displayNumber: string,
  field: 'messages' | 'user_preferences',
  value: Record<string, unknown>,
): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: displayNumber, phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export type WaStatus = 'sent' | 'delivered' | 'read' | 'failed';

const seconds = (ms: number) => String(Math.floor(ms / 1000));

export function waStatus(s: {
  wamid: string;
  status: WaStatus;
  at: number;
  recipient: string;
  ref: string;
  conversationId: string;
  error?: { code: number; title: string } | undefined;
}): Record<string, unknown> {
  return {
    id: s.wamid,
    status: s.status,
    timestamp: seconds(s.at),
    recipient_id: s.recipient,
    biz_opaque_callback_data: s.ref,
    ...(s.status === 'failed'
      ? { errors: [{ code: s.error?.code ?? 131026, title: s.error?.title ?? 'Message undeliverable' }] }
      : {
          conversation: { id: s.conversationId, origin: { type: 'marketing' } },
          pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
        }),
  };
}

export function waInbound(m: {
  id: string;
  from: string;
  at: number;
  text: string;
  name: string;
  context?: { from: string; id: string } | undefined;
}): Record<string, unknown> {
  return {
    contacts: [{ profile: { name: m.name }, wa_id: m.from }],
    messages: [
      {
        ...(m.context ? { context: m.context } : {}),
        from: m.from,
        id: m.id,
        timestamp: seconds(m.at),
        type: 'text',
        text: { body: m.text },
      },
    ],
  };
}

export function waPreference(p: {
  waId: string;
  value: 'stop' | 'resume';
  at: number;
}): Record<string, unknown> {
  return {
    user_preferences: [
      { wa_id: p.waId, category: 'marketing_messages', value: p.value, timestamp: seconds(p.at) },
    ],
  };
}

export function signWhatsapp(appSecret: string, rawBody: Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
