import { describe, expect, it } from 'vitest';
import { frequencyBucket, frequencyTable } from './frequency.ts';

describe('frequencyBucket', () => {
  it.each([
    [0, null],
    [-1, null],
    [Number.NaN, null],
    [1, '1'],
    [2, '2'],
    [3, '3'],
    [4, '4-5'],
    [5, '4-5'],
    [6, '6-10'],
    [10, '6-10'],
    [11, '11+'],
    [500, '11+'],
  ])('%s messages → %s', (n, want) => {
    expect(frequencyBucket(n)).toBe(want);
  });
});

describe('frequencyTable', () => {
  it('sums message counts into buckets, rates over the bucket’s recipients, empty buckets null', () => {
    const t = frequencyTable([
      { messages: 1, recipients: 10, optOuts: 1, clickers: 2, repliers: 4, engaged: 5 },
      { messages: 4, recipients: 3, optOuts: 0, clickers: 1, repliers: 0, engaged: 1 },
      { messages: 5, recipients: 1, optOuts: 1, clickers: 0, repliers: 1, engaged: 1 },
      { messages: 0, recipients: 99, optOuts: 9, clickers: 9, repliers: 9, engaged: 9 },
    ]);
    expect(t.map((r) => r.bucket)).toEqual(['1', '2', '3', '4-5', '6-10', '11+']);
    expect(t[0]).toEqual({
      bucket: '1',
      recipients: 10,
      optOuts: 1,
      optOutRate: 0.1,
      clickers: 2,
      clickRate: 0.2,
      repliers: 4,
      replyRate: 0.4,
      engaged: 5,
      engagementRate: 0.5,
    });
    expect(t[3]).toMatchObject({
      recipients: 4,
      optOuts: 1,
      optOutRate: 0.25,
      clickRate: 0.25,
      replyRate: 0.25,
      engagementRate: 0.5,
    });
    expect(t[1]).toMatchObject({
      recipients: 0,
      optOutRate: null,
      clickRate: null,
      replyRate: null,
      engagementRate: null,
    });
  });
});
