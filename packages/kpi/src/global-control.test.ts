import { describe, expect, it } from 'vitest';
import { controlPosition, inGlobalControl } from './global-control.ts';

describe('global control group membership', () => {
  it('is the first 32 bits of SHA-256(salt:recipient) over 2^32', () => {
    // sha256("s:r_1") = 714ccc15…
    expect(controlPosition('r_1', 's')).toBe(0x714ccc15 / 2 ** 32);
  });

  it('holds about the share, stably; a larger share keeps every member', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `r_${i}`);
    const at10 = ids.filter((r) => inGlobalControl(r, 'salt', 0.1));
    const at20 = new Set(ids.filter((r) => inGlobalControl(r, 'salt', 0.2)));
    expect(at10.length / ids.length).toBeGreaterThan(0.09);
    expect(at10.length / ids.length).toBeLessThan(0.11);
    expect(at10.every((r) => at20.has(r))).toBe(true);
    expect(ids.some((r) => inGlobalControl(r, 'salt', 0.1) !== inGlobalControl(r, 'other', 0.1))).toBe(true);
    expect(ids.filter((r) => inGlobalControl(r, 'salt', 0))).toEqual([]);
  });
});
