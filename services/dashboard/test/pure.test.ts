import { describe, expect, it } from 'vitest';
import { BREAKDOWN_DIMENSIONS as OWNER_DIMENSIONS } from '@tally/counters';
import { CHANNELS as OWNER_CHANNELS } from '@tally/events';
import { BREAKDOWN_DIMENSIONS, CHANNELS } from '../src/api/enums.ts';
import { withParams } from '../src/api/client.ts';
import { parseSse } from '../src/api/sse.ts';
import { isLocalStack } from '../src/auth.ts';
import { parseRoute } from '../src/router.ts';
import { toCsv } from '../src/ui/csv.ts';
import { sparkRange } from '../src/ui/sparkline.ts';
import { compareValues, sortRows, type Column } from '../src/ui/table.ts';

describe('the copies of the API enums', () => {
  it('equal their owners', () => {
    expect([...CHANNELS]).toEqual([...OWNER_CHANNELS]);
    expect([...BREAKDOWN_DIMENSIONS]).toEqual([...OWNER_DIMENSIONS]);
  });
});

describe('parseSse', () => {
  it('splits complete events, keeps the unfinished tail, skips comments', () => {
    const text = ': subscribed\n\nid: 1\nevent: transition\ndata: {"a":1}\n\nevent: transition\ndata: {"b"';
    const { events, rest } = parseSse(text);
    expect(events).toEqual([{ event: 'transition', data: '{"a":1}', id: '1' }]);
    expect(rest).toBe('event: transition\ndata: {"b"');
    const more = parseSse(`${rest}:2}\n\n`);
    expect(more.events).toEqual([{ event: 'transition', data: '{"b":2}', id: null }]);
    expect(parseSse('data: x\r\ndata: y\r\n\r\n').events).toEqual([
      { event: 'message', data: 'x\ny', id: null },
    ]);
  });
});

describe('csv', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=1+1', null],
          [3, '-2'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=1+1,\r\n3,\'-2\r\n');
  });
});

describe('tables sort like the API: nulls last either way, ties by key', () => {
  const cols: Column<{ id: string; v: number | null }>[] = [{ key: 'v', label: 'v', value: (r) => r.v }];
  const rows = [
    { id: 'b', v: 1 },
    { id: 'a', v: null },
    { id: 'c', v: 1 },
    { id: 'd', v: 2 },
  ];
  it('descending and ascending', () => {
    expect(sortRows(rows, cols, { key: 'v', desc: true }, (r) => r.id).map((r) => r.id)).toEqual([
      'd',
      'b',
      'c',
      'a',
    ]);
    expect(sortRows(rows, cols, { key: 'v', desc: false }, (r) => r.id).map((r) => r.id)).toEqual([
      'b',
      'c',
      'd',
      'a',
    ]);
    expect(compareValues(null, 0, false)).toBe(1);
    expect(compareValues('a', 'b', true)).toBeGreaterThan(0);
  });
});

describe('routes, params and ranges', () => {
  it('parses hash routes', () => {
    expect(parseRoute('#/campaigns/spring%2Fsale?window=5m')).toMatchObject({
      page: 'campaign',
      id: 'spring/sale',
    });
    expect(parseRoute('#/campaigns/x?window=5m').query.get('window')).toBe('5m');
    expect(parseRoute('').page).toBe('campaigns');
    expect(parseRoute('#/alerts').page).toBe('alerts');
  });
  it('drops empty params', () => {
    expect(withParams('/v1/x', { a: 1, b: undefined, c: '', d: null, e: 'f g' })).toBe('/v1/x?a=1&e=f+g');
  });
  it('offers the demo key on loopback hosts only', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].map(isLocalStack)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(isLocalStack('tally.example.com')).toBe(false);
  });
  it('sparklines use minutes while a campaign is young, then hours of the last 7 days', () => {
    const now = Date.parse('2025-03-10T12:00:00Z');
    expect(sparkRange('2025-03-10T11:00:00Z', now)).toEqual({
      bucket: '1m',
      from: '2025-03-10T11:00:00.000Z',
    });
    expect(sparkRange('2025-01-01T00:00:00Z', now)).toEqual({
      bucket: '1h',
      from: '2025-03-03T12:00:00.000Z',
    });
  });
});
