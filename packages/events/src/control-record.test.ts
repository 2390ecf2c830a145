import { describe, expect, it } from 'vitest';
import { forwardedByOther } from './control-record.ts';

describe('forwardedByOther', () => {
  it('keeps ingest records, own forwards and the old "1" marking; skips another state\'s', () => {
    expect(forwardedByOther(undefined, 'tally')).toBe(false);
    expect(forwardedByOther('tally', 'tally')).toBe(false);
    expect(forwardedByOther(Buffer.from('tally'), 'tally')).toBe(false);
    expect(forwardedByOther('1', 'tally')).toBe(false);
    expect(forwardedByOther('tally-blue', 'tally')).toBe(true);
    expect(forwardedByOther(Buffer.from('bench2'), 'bench1')).toBe(true);
  });
});
