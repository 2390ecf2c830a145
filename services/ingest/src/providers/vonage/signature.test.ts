import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptedCredentials } from '../../credentials/rotation.ts';
import {
  signHs256Jwt,
  verifyHs256Jwt,
  verifyVonageJwt,
  verifyVonageSig,
  vonageSignature,
  vonageSignedString,
} from './signature.ts';

// providers.md vector (HMAC-SHA256, secret fake_sig_secret).
const PARAMS: Record<string, string> = {
  msisdn: '447700900001',
  to: 'AcmeInc',
  messageId: '0A0000000000000A',
  status: 'delivered',
  'err-code': '0',
  timestamp: '1736950000',
  nonce: '00000000-0000-0000-0000-000000000001',
};
const STRING =
  '&err-code=0&messageId=0A0000000000000A&msisdn=447700900001&nonce=00000000-0000-0000-0000-000000000001&status=delivered&timestamp=1736950000&to=AcmeInc';
const SIG = '25D9712DE9A909CE32A614DE51B00061162904F47B47C1463711F699192E435C';
const key = { secret: 'fake_sig_secret', method: 'sha256' as const };

describe('vonage sig', () => {
  it('builds the documented string and matches the vector, case-insensitively', () => {
    expect(vonageSignedString({ ...PARAMS, sig: 'x' })).toBe(STRING);
    expect(vonageSignature(PARAMS, 'fake_sig_secret', 'sha256').toUpperCase()).toBe(SIG);
    expect(verifyVonageSig({ ...PARAMS, sig: SIG }, [key])).toBe(true);
    expect(verifyVonageSig({ ...PARAMS, sig: SIG.toLowerCase() }, [key])).toBe(true);
  });
  it('replaces & and = inside values', () => {
    expect(vonageSignedString({ 'client-ref': 'campaign=uk&variant=A' })).toBe(
      '&client-ref=campaign_uk_variant_A',
    );
  });
  it.each(['md5', 'sha1', 'sha512', 'md5hash'] as const)('supports %s', (method) => {
    const sig = vonageSignature(PARAMS, 's3cret', method);
    expect(verifyVonageSig({ ...PARAMS, sig }, [{ secret: 's3cret', method }])).toBe(true);
    expect(verifyVonageSig({ ...PARAMS, sig }, [{ secret: 's3cret', method: 'sha256' }])).toBe(false);
  });
  it('computes the legacy md5hash as MD5 of the string and the secret', () => {
    expect(vonageSignature(PARAMS, 'k', 'md5hash')).toBe(
      createHash('md5')
        .update(STRING + 'k')
        .digest('hex'),
    );
  });
  it('refuses tampered parameters, a wrong secret, a missing sig', () => {
    expect(verifyVonageSig({ ...PARAMS, status: 'failed', sig: SIG }, [key])).toBe(false);
    expect(verifyVonageSig({ ...PARAMS, price: '0.1', sig: SIG }, [key])).toBe(false);
    expect(verifyVonageSig({ ...PARAMS, sig: SIG }, [{ ...key, secret: 'other' }])).toBe(false);
    expect(verifyVonageSig(PARAMS, [key])).toBe(false);
  });
  it('accepts the previous secret within its grace period only', () => {
    const stored = {
      current: { secret: 'new', method: 'sha256' as const },
      previous: { value: key, validUntil: new Date('2026-11-27T00:00:00Z') },
    };
    expect(
      verifyVonageSig({ ...PARAMS, sig: SIG }, acceptedCredentials(stored, new Date('2026-11-26T00:00:00Z'))),
    ).toBe(true);
    expect(
      verifyVonageSig({ ...PARAMS, sig: SIG }, acceptedCredentials(stored, new Date('2026-11-28T00:00:00Z'))),
    ).toBe(false);
  });
});

describe('vonage Messages API JWT', () => {
  const body = Buffer.from('{"message_uuid":"u1","status":"delivered"}');
  const hash = createHash('sha256').update(body).digest('hex');
  const jwt = signHs256Jwt({ api_key: 'k', iat: 1795700000, payload_hash: hash }, 'sig_secret');

  it('verifies HS256 and the payload hash', () => {
    expect(verifyHs256Jwt(jwt, ['sig_secret'])).toMatchObject({ api_key: 'k', payload_hash: hash });
    expect(verifyVonageJwt(`Bearer ${jwt}`, body, ['sig_secret'])).toBe(true);
  });
  it('refuses a tampered body, a wrong secret, alg none, a tampered payload, no header', () => {
    expect(verifyVonageJwt(`Bearer ${jwt}`, Buffer.from('{"message_uuid":"u2"}'), ['sig_secret'])).toBe(
      false,
    );
    expect(verifyVonageJwt(`Bearer ${jwt}`, body, ['other'])).toBe(false);
    const [, p] = jwt.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect(verifyHs256Jwt(none, ['sig_secret'])).toBeUndefined();
    const forged = Buffer.from(JSON.stringify({ payload_hash: 'x' })).toString('base64url');
    const [h, , s] = jwt.split('.');
    expect(verifyHs256Jwt(`${h}.${forged}.${s}`, ['sig_secret'])).toBeUndefined();
    expect(verifyVonageJwt(undefined, body, ['sig_secret'])).toBe(false);
    expect(verifyVonageJwt('Bearer not.a.jwt', body, ['sig_secret'])).toBe(false);
  });
});
