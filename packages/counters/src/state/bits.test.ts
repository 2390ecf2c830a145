import { describe, expect, it } from 'vitest';
import { ATTACHED_BITS, BIT, effectiveBits, OWN_BITS, reachable } from './bits.ts';

const { sent: S, delivered: D, failed: F, opened: O, clicked: C, replied: R, converted: V } = BIT;

describe('status bits', () => {
  it.each([
    ['sent', S],
    ['delivered', S | D],
    ['failed', S | F],
    ['opened', S | D | O],
    ['clicked', S | D | C],
    ['replied', S | D | R],
    ['converted', S | V],
    ['opted_out', 0],
    ['survey_answered', 0],
  ] as const)('%s on its own message sets %i', (type, bits) => {
    expect(OWN_BITS[type]).toBe(bits);
  });

  it.each([
    ['replied', S | D | R],
    ['clicked', S | D | C],
    ['converted', S | V],
    ['delivered', 0],
    ['opened', 0],
    ['opted_out', 0],
  ] as const)('%s attributed to a message sets %i', (type, bits) => {
    expect(ATTACHED_BITS[type]).toBe(bits);
  });

  it.each([
    [S | F, S | F],
    [S | F | D, S | D],
    [S | D | O, S | D | O],
    [0, 0],
  ])('effective bits of %i are %i (failed only while never delivered)', (bits, eff) => {
    expect(effectiveBits(bits)).toBe(eff);
  });

  it.each([
    [S, true],
    [S | D, true],
    [S | F, false],
    [S | F | D, true],
    [0, false],
  ])('bits %i reach the recipient: %s', (bits, yes) => {
    expect(reachable(bits)).toBe(yes);
  });
});
