/**
 * Actions → the exact HTTP requests a provider or sender would make: bodies serialized once,
 * signed over those bytes (and, for Twilio, over the public URL ingest rebuilds from
 * PUBLIC_BASE_URL). Pure: same action, same bytes — a retry is byte-identical.
 */
import type { InboundEvent } from '@tally/events';
import type { FollowAgent, LinkSpec, WebhookAction } from './actions.ts';
import { infobipAuth, type InfobipAuthMode } from './providers/infobip.ts';
import { signTwilio } from './providers/twilio.ts';
import { signVonage, type VonageMethod } from './providers/vonage.ts';
import { signWhatsapp } from './providers/whatsapp.ts';

/** The provider credentials the demo tenant is seeded with (`./tally up`: from .tally/dev.env). */
export interface DemoCredentials {
  twilio: { authToken: string };
  whatsapp: { appSecret: string; verifyToken: string };
  vonage: { signatureSecret: string; signatureMethod: VonageMethod };
  infobip: { secret: string; authMode: InfobipAuthMode };
}

export interface Target {
  tenant: string;
  apiKey: string;
  /** The URL providers call, as ingest's PUBLIC_BASE_URL says (Twilio signs it). */
  publicBaseUrl: string;
  credentials: DemoCredentials;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function twilio(a: WebhookAction, t: Target, path: string): HttpRequest {
  if (a.body.encoding !== 'form') throw new Error('Twilio callbacks are form-encoded');
  const params = a.body.params;
  const signature = signTwilio(t.credentials.twilio.authToken, t.publicBaseUrl + path, params);
  return {
    method: 'POST',
    path,
    headers: { 'content-type': FORM, 'x-twilio-signature': signature },
    body: Buffer.from(new URLSearchParams(params).toString()),
  };
}

function whatsapp(a: WebhookAction, t: Target, path: string): HttpRequest {
  if (a.body.encoding !== 'json') throw new Error('WhatsApp notifications are JSON');
  const raw = Buffer.from(JSON.stringify(a.body.json));
  return {
    method: 'POST',
    path,
    headers: {
      'content-type': JSON_TYPE,
      'x-hub-signature-256': signWhatsapp(t.credentials.whatsapp.appSecret, raw),
    },
    body: raw,
  };
}

function vonage(a: WebhookAction, t: Target, path: string): HttpRequest {
  const { signatureSecret, signatureMethod } = t.credentials.vonage;
  if (a.body.encoding === 'json') {
    const params = Object.fromEntries(Object.entries(a.body.json).map(([k, v]) => [k, String(v)]));
    const sig = signVonage(params, signatureSecret, signatureMethod);
    return {
      method: 'POST',
      path,
      headers: { 'content-type': JSON_TYPE },
      body: Buffer.from(JSON.stringify({ ...a.body.json, sig })),
    };
  }
  const entries = a.body.params;
  const sig = signVonage(Object.fromEntries(entries), signatureSecret, signatureMethod);
  const encoded = new URLSearchParams([...entries, ['sig', sig]]).toString();
  if (a.body.encoding === 'query') {
    return { method: 'GET', path: `${path}${path.includes('?') ? '&' : '?'}${encoded}`, headers: {} };
  }
  return { method: 'POST', path, headers: { 'content-type': FORM }, body: Buffer.from(encoded) };
}

function infobip(a: WebhookAction, t: Target, path: string): HttpRequest {
  if (a.body.encoding !== 'json') throw new Error('Infobip reports are JSON');
  const auth = infobipAuth(t.credentials.infobip.secret, t.credentials.infobip.authMode);
  const withQuery = auth.query ? `${path}${path.includes('?') ? '&' : '?'}${auth.query}` : path;
  return {
    method: 'POST',
    path: withQuery,
    headers: {
      'content-type': JSON_TYPE,
      ...(auth.authorization ? { authorization: auth.authorization } : {}),
    },
    body: Buffer.from(JSON.stringify(a.body.json)),
  };
}

const WEBHOOKS = { twilio, whatsapp, vonage, infobip };

export function webhookRequest(a: WebhookAction, t: Target): HttpRequest {
  const path = `/webhooks/${a.provider}/${encodeURIComponent(t.tenant)}${a.query}`;
  return WEBHOOKS[a.provider](a, t, path);
}

const bearer = (t: Target) => ({ authorization: `Bearer ${t.apiKey}` });

export function eventsRequest(events: InboundEvent[], t: Target): HttpRequest {
  return {
    method: 'POST',
    path: '/v1/events',
    headers: { 'content-type': JSON_TYPE, ...bearer(t) },
    body: Buffer.from(JSON.stringify({ events })),
  };
}

export function mintRequest(link: LinkSpec, t: Target): HttpRequest {
  return {
    method: 'POST',
    path: '/v1/links',
    headers: { 'content-type': JSON_TYPE, ...bearer(t) },
    body: Buffer.from(JSON.stringify(link)),
  };
}

/** The user agent each follower sends (real agents' shapes: ingest classifies them with isbot). */
const AGENT_UA: Record<FollowAgent, string> = {
  phone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1 (tally-demo)',
  imessage:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0',
  whatsapp: 'WhatsApp/2.23.20.0 A',
  scanner: 'Mozilla/5.0 (compatible; proofpoint-urldefense)',
  scanner_head: 'Mozilla/5.0 (compatible; proofpoint-urldefense)',
};

export function followRequest(code: string, agent: FollowAgent = 'phone'): HttpRequest {
  return {
    method: agent === 'scanner_head' ? 'HEAD' : 'GET',
    path: `/c/${encodeURIComponent(code)}`,
    headers: { 'user-agent': AGENT_UA[agent] },
  };
}

/** Meta's verification handshake, as when the webhook is configured in the app dashboard. */
export function handshakeRequest(t: Target, challenge: string): HttpRequest {
  const q = new URLSearchParams({
    'hub.mode': 'subscribe',
    'hub.verify_token': t.credentials.whatsapp.verifyToken,
    'hub.challenge': challenge,
  });
  return {
    method: 'GET',
    path: `/webhooks/whatsapp/${encodeURIComponent(t.tenant)}?${q.toString()}`,
    headers: {},
  };
}

/** Infobip delivers reports in batches: reports due together go in one POST (≤ 100 results). */
export function mergeInfobip(actions: WebhookAction[]): WebhookAction[] {
  const out: WebhookAction[] = [];
  for (let i = 0; i < actions.length; i += 100) {
    const chunk = actions.slice(i, i + 100);
    const first = chunk[0];
    if (!first) continue;
    const results = chunk.flatMap((a) =>
      a.body.encoding === 'json' ? (a.body.json.results as unknown[]) : [],
    );
    out.push({
      ...first,
      expect: chunk.flatMap((a) => a.expect),
      body: { encoding: 'json', json: { results } },
    });
  }
  return out;
}
