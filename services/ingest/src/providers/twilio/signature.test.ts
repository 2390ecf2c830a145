import { describe, expect, it } from 'vitest';
import { acceptedCredentials } from '../../credentials/rotation.ts';
import { twilioSignature, urlVariants, verifyTwilio } from './signature.ts';
import { createHash } from 'node:crypto';

// providers.md: reproduces Twilio's own published example.
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS: [string, string][] = [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+12349013030'],
  ['Digits', '1234'],
  ['From', '+12349013030'],
  ['To', '+18005551212'],
];
const SIG = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
const body = Buffer.from(new URLSearchParams(PARAMS).toString());
const req = (over: Partial<Parameters<typeof verifyTwilio>[0]> = {}) => ({
  url: URL_,
  signature: SIG,
  form: PARAMS,
  rawBody: body,
  ...over,
});

describe('twilio signature', () => {
  it('matches the documented vector, whatever the parameter order', () => {
    expect(twilioSignature('12345', URL_, PARAMS)).toBe(SIG);
    expect(twilioSignature('12345', URL_, [...PARAMS].reverse())).toBe(SIG);
    expect(verifyTwilio(req(), ['12345'])).toBe(true);
  });
  it('refuses a tampered body, a tampered URL, a wrong token, a missing signature', () => {
    expect(verifyTwilio(req({ form: [...PARAMS.slice(0, 4), ['To', '+18005551213']] }), ['12345'])).toBe(
      false,
    );
    expect(verifyTwilio(req({ form: [...PARAMS, ['Extra', 'x']] }), ['12345'])).toBe(false);
    expect(verifyTwilio(req({ url: URL_.replace('foo=1', 'foo=2') }), ['12345'])).toBe(false);
    expect(verifyTwilio(req({ url: URL_.replace('mycompany.com', 'evil.example') }), ['12345'])).toBe(false);
    expect(verifyTwilio(req(), ['54321'])).toBe(false);
    expect(verifyTwilio(req({ signature: undefined }), ['12345'])).toBe(false);
    expect(verifyTwilio(req({ signature: SIG.slice(1) }), ['12345'])).toBe(false);
  });
  it('accepts the URL with or without the explicit default port', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(urlVariants(URL_)).toEqual([URL_, withPort]);
    expect(urlVariants(withPort)).toEqual([withPort, URL_]);
    const signedWithPort = twilioSignature('12345', withPort, PARAMS);
    expect(verifyTwilio(req({ signature: signedWithPort }), ['12345'])).toBe(true);
    expect(verifyTwilio(req({ url: withPort }), ['12345'])).toBe(true);
    expect(urlVariants('http://h.example/x')).toEqual(['http://h.example/x', 'http://h.example:80/x']);
  });
  it('sorts repeated parameters by value', () => {
    const a = twilioSignature('t', 'https://x.example/', [
      ['M', 'b'],
      ['M', 'a'],
    ]);
    expect(a).toBe(
      twilioSignature('t', 'https://x.example/', [
        ['M', 'a'],
        ['M', 'b'],
      ]),
    );
  });
  it('checks a JSON body through bodySHA256 in the signed URL', () => {
    const json = Buffer.from('{"MessageSid":"SM1","MessageStatus":"sent"}');
    const hash = createHash('sha256').update(json).digest('hex');
    const url = `https://tally.example.com/webhooks/twilio/t?bodySHA256=${hash}`;
    const signature = twilioSignature('tok', url, []);
    expect(verifyTwilio({ url, signature, rawBody: json }, ['tok'])).toBe(true);
    expect(verifyTwilio({ url, signature, rawBody: Buffer.from('{"MessageSid":"SM2"}') }, ['tok'])).toBe(
      false,
    );
  });
  it('accepts a rotated token within its grace period, and not after', () => {
    const stored = {
      current: { authToken: 'new-token' },
      previous: { value: { authToken: '12345' }, validUntil: new Date('2026-11-27T00:00:00Z') },
    };
    const tokens = (now: string) => acceptedCredentials(stored, new Date(now)).map((c) => c.authToken);
    expect(verifyTwilio(req(), tokens('2026-11-26T23:59:59Z'))).toBe(true);
    expect(verifyTwilio(req(), tokens('2026-11-27T00:00:00Z'))).toBe(false);
    const fresh = twilioSignature('new-token', URL_, PARAMS);
    expect(verifyTwilio(req({ signature: fresh }), tokens('2026-11-28T00:00:00Z'))).toBe(true);
  });
});
