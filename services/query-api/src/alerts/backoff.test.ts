import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it.each([
    { attempt: 1, random: 0.5, want: 1000 },
    { attempt: 2, random: 0.5, want: 2000 },
    { attempt: 4, random: 0.5, want: 8000 },
    { attempt: 30, random: 0.5, want: 60_000 },
    { attempt: 1, random: 0, want: 800 },
    { attempt: 1, random: 1, want: 1200 },
  ])('attempt $attempt, random $random → $want ms', ({ attempt, random, want }) => {
    expect(backoffMs(attempt, 1000, 60_000, random)).toBe(want);
  });
});
