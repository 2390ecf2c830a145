import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signature.ts';

const secret = 'whsec_test_secret_0123456789';
const body = '{"type":"alert.fire"}';
const now = new Date('2026-11-26T12:00:00Z');
const t = now.getTime() / 1000;
// Computed here with createHmac directly, not through signature.ts.
const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

describe('X-Tally-Signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    expect(signatureHeader(secret, body, now)).toBe(`t=${t},v1=${v1}`);
  });

  it.each([
    { name: 'valid', header: `t=${t},v1=${v1}`, b: body, at: now, want: true },
    {
      name: 'valid 4 min later',
      header: `t=${t},v1=${v1}`,
      b: body,
      at: new Date(now.getTime() + 240_000),
      want: true,
    },
    {
      name: 'replayed 6 min later',
      header: `t=${t},v1=${v1}`,
      b: body,
      at: new Date(now.getTime() + 360_000),
      want: false,
    },
    {
      name: 'body changed',
      header: `t=${t},v1=${v1}`,
      b: body.replace('fire', 'resolve'),
      at: now,
      want: false,
    },
    { name: 'timestamp changed', header: `t=${t + 1},v1=${v1}`, b: body, at: now, want: false },
    {
      name: 'wrong secret',
      header: signatureHeader('another_secret_abcdef', body, now),
      b: body,
      at: now,
      want: false,
    },
    { name: 'missing', header: undefined, b: body, at: now, want: false },
    { name: 'garbage', header: 'v1=zz,t=x', b: body, at: now, want: false },
    { name: 'short hex', header: `t=${t},v1=abcd`, b: body, at: now, want: false },
  ])('$name → $want', ({ header, b, at, want }) => {
    expect(verifySignature(secret, header, b, at)).toBe(want);
  });
});
