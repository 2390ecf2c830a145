/** Builds signed provider requests for tests and the benchmark, with the modules ingest verifies with. */
import { createHash } from 'node:crypto';
import { twilioSignature } from '../src/providers/twilio/signature.ts';
import {
  signHs256Jwt,
  vonageSignature,
  type VonageSignatureMethod,
} from '../src/providers/vonage/signature.ts';
import { whatsappSignature } from '../src/providers/whatsapp/signature.ts';

export const BASE = 'https://tally.example.com';

export function twilioForm(tenant: string, token: string, params: Record<string, string>, query = '') {
  const path = `/webhooks/twilio/${tenant}${query}`;
  const entries = Object.entries(params);
  return {
    method: 'POST' as const,
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(token, BASE + path, entries),
    },
    payload: new URLSearchParams(entries).toString(),
  };
}

export function whatsappPost(tenant: string, secret: string, body: unknown) {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    method: 'POST' as const,
    url: `/webhooks/whatsapp/${tenant}`,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsappSignature(secret, raw) },
    payload: raw,
  };
}

export function vonageSigned(params: Record<string, string>, secret: string, method: VonageSignatureMethod) {
  return { ...params, sig: vonageSignature(params, secret, method) };
}

export function vonageJwt(body: string, secret: string): string {
  return signHs256Jwt(
    { api_key: 'k', iat: 1795700000, payload_hash: createHash('sha256').update(body).digest('hex') },
    secret,
  );
}

export function waStatusBody(statuses: Record<string, unknown>[]) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'W1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: 'P1' },
              statuses,
            },
          },
        ],
      },
    ],
  };
}
