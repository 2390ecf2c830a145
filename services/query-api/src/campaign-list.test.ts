import { describe, expect, it } from 'vitest';
import { computeRates, emptyCounts } from '@tally/kpi';
import { encodeCursor, page, type Row } from './campaign-list.ts';

const row = (campaignId: string, deliveryRate: number | null, sent: number, firstEventAt: string): Row => ({
  campaignId,
  firstEventAt,
  counts: { ...emptyCounts(), sent },
  rates: { ...computeRates(emptyCounts(), { channel: null, opened: 0 }), deliveryRate },
});
const rows = [
  row('a', 0.5, 10, '2026-01-01T00:00:00.000Z'),
  row('b', null, 0, '2026-01-02T00:00:00.000Z'),
  row('c', 0.9, 10, '2026-01-03T00:00:00.000Z'),
  row('d', 0.5, 30, '2026-01-04T00:00:00.000Z'),
];
const ids = (r: Row[]) => r.map((x) => x.campaignId);

describe('campaign list paging', () => {
  it.each([
    { sort: 'deliveryRate', want: ['a', 'd', 'c', 'b'] },
    { sort: '-deliveryRate', want: ['c', 'a', 'd', 'b'] },
    { sort: '-sent', want: ['d', 'a', 'c', 'b'] },
    { sort: '-firstEventAt', want: ['d', 'c', 'b', 'a'] },
    { sort: 'campaignId', want: ['a', 'b', 'c', 'd'] },
  ])('sort=$sort orders nulls last, ties by id', ({ sort, want }) => {
    expect(ids(page(rows, sort, 100).items)).toEqual(want);
  });

  it.each([{ sort: '-deliveryRate' }, { sort: 'deliveryRate' }, { sort: '-sent' }])(
    'pages of 1 under sort=$sort walk the whole order once',
    ({ sort }) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i += 1) {
        const p = page(rows, sort, 1, cursor);
        seen.push(...ids(p.items));
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      expect(seen).toEqual(ids(page(rows, sort, 100).items));
    },
  );

  it('the last page has no next cursor', () => {
    expect(page(rows, 'campaignId', 4).nextCursor).toBeNull();
    expect(page(rows, 'campaignId', 3).nextCursor).not.toBeNull();
  });

  it.each([
    { name: 'garbage', cursor: '!!!' },
    { name: 'another sort', cursor: encodeCursor('sent', 1, 'a') },
    { name: 'wrong shape', cursor: Buffer.from('{"x":1}').toString('base64url') },
  ])('rejects a cursor that is $name, naming the parameter', ({ cursor }) => {
    expect(() => page(rows, 'deliveryRate', 2, cursor)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        details: [expect.objectContaining({ path: 'querystring.cursor' })],
      }),
    );
  });
});
