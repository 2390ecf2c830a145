/**
 * The generator's signatures against the verifiers ingest itself uses (imported from
 * @tally/ingest): every webhook of a minute of the demo scenario verifies, a tampered body or a
 * wrong secret is refused, and the signers reproduce the providers' published vectors.
 */
import { describe, expect, it } from 'vitest';
import { verifyHandshake, verifyInfobip, verifyTwilio, verifyVonageSig, verifyWhatsapp } from '@tally/ingest';
import {
  handshakeRequest,
  SCENARIOS,
  Timeline,
  twilio,
  vonage,
  webhookRequest,
  whatsapp,
  type DemoCredentials,
  type HttpRequest,
  type Target,
  type WebhookAction,
} from '../src/index.ts';

const CREDENTIALS: DemoCredentials = {
  twilio: { authToken: 'test-twilio-auth-token' },
  whatsapp: { appSecret: 'test-meta-app-secret', verifyToken: 'test-verify-token' },
  vonage: { signatureSecret: 'test-vonage-signature-secret', signatureMethod: 'sha256' },
  infobip: { secret: 'test-infobip-secret', authMode: 'bearer' },
};
const TARGET: Target = {
  tenant: 'demo',
  apiKey: 'k',
  publicBaseUrl: 'http://127.0.0.1:3201',
  credentials: CREDENTIALS,
};
const START = Date.parse('2026-11-26T10:00:00Z');

const ACTIONS = new Timeline(SCENARIOS.demo as NonNullable<(typeof SCENARIOS)['demo']>, {
  seed: 'signatures',
  startMs: START,
  sendsPerSecond: 30,
  durationMs: 60_000,
}).take(START + 150_000);

function webhooks(
  provider: WebhookAction['provider'],
  target = TARGET,
): { action: WebhookAction; req: HttpRequest }[] {
  return ACTIONS.filter((a): a is WebhookAction => a.kind === 'webhook' && a.provider === provider).map(
    (action) => ({
      action,
      req: webhookRequest(action, target),
    }),
  );
}

const body = (r: HttpRequest) => r.body ?? Buffer.alloc(0);
const form = (raw: Buffer) => [...new URLSearchParams(raw.toString('utf8')).entries()];
/** What ingest's Vonage route signs over: the non-empty string fields (JSON) or the first values (form). */
function vonageParams(r: HttpRequest): Record<string, string> {
  if (r.headers['content-type'] === 'application/json') {
    const json = JSON.parse(body(r).toString('utf8')) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(json).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    );
  }
  const out: Record<string, string> = {};
  for (const [k, v] of form(body(r))) if (!(k in out)) out[k] = v;
  return out;
}

describe('Twilio', () => {
  const verify = (r: HttpRequest, raw = body(r), tokens = [CREDENTIALS.twilio.authToken]) =>
    verifyTwilio(
      {
        url: TARGET.publicBaseUrl + r.path,
        signature: r.headers['x-twilio-signature'],
        form: form(raw),
        rawBody: raw,
      },
      tokens,
    );

  it('reproduces the signature of Twilio’s published example', () => {
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ];
    expect(twilio.signTwilio('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  it('signs every status callback and inbound message so that ingest’s verifier accepts it', () => {
    const all = webhooks('twilio');
    expect(all.length).toBeGreaterThan(300);
    expect(all.filter(({ req }) => !verify(req)).map(({ req }) => req.path)).toEqual([]);
    expect(all.some(({ req }) => req.path.includes('?campaign='))).toBe(true);
    expect(all.some(({ req }) => !req.path.includes('?'))).toBe(true);
  });

  it('is refused with a tampered body, another URL or another token', () => {
    const [first] = webhooks('twilio');
    if (!first) throw new Error('no Twilio webhook');
    const tampered = Buffer.from(
      body(first.req)
        .toString()
        .replace(/MessageStatus=\w+/, 'MessageStatus=failed'),
    );
    expect(verify(first.req)).toBe(true);
    expect(verify(first.req, tampered)).toBe(false);
    expect(verify({ ...first.req, path: `${first.req.path}&x=1` })).toBe(false);
    expect(verify(first.req, body(first.req), ['another-token'])).toBe(false);
  });
});

describe('WhatsApp', () => {
  const secrets = [CREDENTIALS.whatsapp.appSecret];

  it('reproduces Meta’s signature vector', () => {
    const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(whatsapp.signWhatsapp('fake_app_secret', raw)).toBe(
      'sha256=660f27229f9413114913b3ba84677705a47f75e5692f68fb1e8c0f56c0014428',
    );
  });

  it('signs every notification so that ingest’s verifier accepts it, and a changed byte is refused', () => {
    const all = webhooks('whatsapp');
    expect(all.length).toBeGreaterThan(100);
    expect(
      all.filter(({ req }) => !verifyWhatsapp(body(req), req.headers['x-hub-signature-256'], secrets)),
    ).toEqual([]);
    const { req } = all[0] ?? { req: undefined };
    if (!req) throw new Error('no WhatsApp webhook');
    const tampered = Buffer.from(body(req).toString().replace('"sent"', '"read"'));
    expect(tampered.equals(body(req))).toBe(false);
    expect(verifyWhatsapp(tampered, req.headers['x-hub-signature-256'], secrets)).toBe(false);
    expect(verifyWhatsapp(body(req), req.headers['x-hub-signature-256'], ['another-secret'])).toBe(false);
  });

  it('answers the verification handshake with the seeded verify token', () => {
    const q = new URL(handshakeRequest(TARGET, 'c0ffee').path, 'http://x').searchParams;
    const query = {
      mode: q.get('hub.mode') ?? undefined,
      token: q.get('hub.verify_token') ?? undefined,
      challenge: q.get('hub.challenge') ?? undefined,
    };
    expect(verifyHandshake(query, [CREDENTIALS.whatsapp.verifyToken])).toBe('c0ffee');
    expect(verifyHandshake(query, ['another-token'])).toBeUndefined();
  });
});

describe('Vonage', () => {
  it('reproduces the documented HMAC-SHA256 vector', () => {
    const params = {
      'err-code': '0',
      messageId: '0A0000000000000A',
      msisdn: '447700900001',
      nonce: '00000000-0000-0000-0000-000000000001',
      status: 'delivered',
      timestamp: '1736950000',
      to: 'AcmeInc',
    };
    expect(vonage.signVonage(params, 'fake_sig_secret', 'sha256')).toBe(
      '25D9712DE9A909CE32A614DE51B00061162904F47B47C1463711F699192E435C',
    );
  });

  for (const method of ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const) {
    it(`signs receipts (JSON) and inbound SMS (form) with ${method} so that ingest’s verifier accepts them`, () => {
      const secret = CREDENTIALS.vonage.signatureSecret;
      const target = {
        ...TARGET,
        credentials: { ...CREDENTIALS, vonage: { signatureSecret: secret, signatureMethod: method } },
      };
      const all = webhooks('vonage', target);
      expect(new Set(all.map(({ req }) => req.headers['content-type']))).toEqual(
        new Set(['application/json', 'application/x-www-form-urlencoded']),
      );
      const keys = [{ secret, method }];
      expect(all.filter(({ req }) => !verifyVonageSig(vonageParams(req), keys))).toEqual([]);
      const first = all[0];
      if (!first) throw new Error('no Vonage webhook');
      expect(verifyVonageSig({ ...vonageParams(first.req), price: '0.00000001' }, keys)).toBe(false);
      expect(verifyVonageSig(vonageParams(first.req), [{ secret: 'another-secret', method }])).toBe(false);
    });
  }
});

describe('Infobip', () => {
  for (const authMode of ['bearer', 'basic', 'query'] as const) {
    it(`presents the tenant secret as ${authMode} so that ingest’s check accepts it, and another secret is refused`, () => {
      const secret = CREDENTIALS.infobip.secret;
      const target = { ...TARGET, credentials: { ...CREDENTIALS, infobip: { secret, authMode } } };
      const all = webhooks('infobip', target);
      expect(all.length).toBeGreaterThan(20);
      const check = (r: HttpRequest, s: string) =>
        verifyInfobip(
          [{ secret: s, authMode }],
          r.headers.authorization,
          new URL(r.path, 'http://x').searchParams,
        );
      expect(all.filter(({ req }) => !check(req, secret))).toEqual([]);
      expect(all.filter(({ req }) => check(req, 'another-secret'))).toEqual([]);
    });
  }
});
