/**
 * Signed failed receipts as each provider sends them (the shapes of ../fixtures), for the failure
 * taxonomy's table test and the end-to-end test: one builder per provider, taking the raw code.
 */
import { vonageSigned, twilioForm, waStatusBody, whatsappPost } from './sign.ts';

/** A request for `app.inject`. */
export interface SignedRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer;
}

export interface FailedReceipt {
  messageId: string;
  recipient: string;
  campaign: string;
  /** Unix milliseconds of the receipt's event time (Twilio sends none: the receipt time is used). */
  at: number;
}

const unix = (ms: number) => String(Math.floor(ms / 1000));
/** Vonage's `message-timestamp`: `2026-11-26 14:32:05` (UTC). */
const vonageTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** Infobip's time format: `2026-11-26T14:30:00.000+0000`. */
const infobipTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

export function twilioFailed(
  tenant: string,
  token: string,
  r: FailedReceipt,
  errorCode: string,
): SignedRequest {
  return twilioForm(
    tenant,
    token,
    {
      MessageSid: r.messageId,
      MessageStatus: 'undelivered',
      ErrorCode: errorCode,
      From: '+15005550006',
      To: r.recipient,
      AccountSid: 'AC00000000000000000000000000000000',
      ApiVersion: '2010-04-01',
    },
    `?campaign=${r.campaign}`,
  );
}

export function whatsappFailed(
  tenant: string,
  secret: string,
  r: FailedReceipt,
  code: string,
): SignedRequest {
  return whatsappPost(
    tenant,
    secret,
    waStatusBody([
      {
        id: r.messageId,
        status: 'failed',
        timestamp: unix(r.at),
        recipient_id: r.recipient,
        biz_opaque_callback_data: r.campaign,
        errors: [{ code: Number(code), title: 'failure', message: 'failure', error_data: { details: 'x' } }],
      },
    ]),
  );
}

export function vonageFailed(
  tenant: string,
  secret: string,
  r: FailedReceipt,
  errCode: string,
  opts: { status?: string; networkCode?: string } = {},
): SignedRequest {
  const params = vonageSigned(
    {
      msisdn: r.recipient,
      to: 'Acme',
      'network-code': opts.networkCode ?? '23410',
      messageId: r.messageId,
      price: '0.03330000',
      status: opts.status ?? 'failed',
      scts: '2611261432',
      'err-code': errCode,
      'message-timestamp': vonageTime(r.at),
      'client-ref': r.campaign,
      'api-key': 'abcd1234',
      timestamp: unix(r.at),
      nonce: `n-${r.messageId}`,
    },
    secret,
    'sha256',
  );
  return {
    method: 'POST' as const,
    url: `/webhooks/vonage/${tenant}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(params).toString(),
  };
}

export interface InfobipError {
  groupId: number;
  groupName: string;
  id: number;
  name: string;
  permanent: boolean;
}

const STATUS_OF_GROUP: Record<number, { id: number; name: string }> = {
  2: { id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED' },
  4: { id: 15, name: 'EXPIRED_EXPIRED' },
  5: { id: 6, name: 'REJECTED_NETWORK' },
};
const GROUP_NAME: Record<number, string> = { 2: 'UNDELIVERABLE', 4: 'EXPIRED', 5: 'REJECTED' };

export function infobipFailed(
  tenant: string,
  secret: string,
  r: FailedReceipt,
  error: InfobipError,
  opts: { statusGroup?: number; mccMnc?: string } = {},
): SignedRequest {
  const group = opts.statusGroup ?? 2;
  const status = STATUS_OF_GROUP[group] ?? { id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED' };
  const body = JSON.stringify({
    results: [
      {
        bulkId: 'BULK-1',
        messageId: r.messageId,
        to: r.recipient,
        from: 'Acme',
        sentAt: infobipTime(r.at - 5000),
        doneAt: infobipTime(r.at),
        smsCount: 1,
        mccMnc: opts.mccMnc ?? '22801',
        callbackData: r.campaign,
        price: { pricePerMessage: 0.01, currency: 'EUR' },
        status: { groupId: group, groupName: GROUP_NAME[group], ...status, description: 'x' },
        error: { ...error, description: 'x' },
      },
    ],
  });
  return {
    method: 'POST' as const,
    url: `/webhooks/infobip/${tenant}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    payload: body,
  };
}
