/**
 * Sorting and keyset paging of the campaign list (pure). Order: the sort key (ascending, or
 * descending with a leading "-"), campaigns whose key is null (a rate with an empty denominator)
 * last in either direction, ties by campaign id. The cursor is opaque base64url JSON of the last
 * row's position `{ s: sort, v: value, id }`; a page holds the rows strictly after it, so rows
 * added meanwhile never shift a page.
 */
import { z } from 'zod';
import { COUNT_NAMES, RATE_NAMES, type Counts, type CountName, type Rates } from '@tally/kpi';
import { badParam } from './bad-param.ts';

export const SORT_KEYS = [...RATE_NAMES, ...COUNT_NAMES, 'firstEventAt', 'campaignId'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SORTS = SORT_KEYS.flatMap((k) => [k, `-${k}`]) as [string, ...string[]];

export interface Row {
  campaignId: string;
  firstEventAt: string | null;
  counts: Counts;
  rates: Rates;
}

type Value = number | string | null;

function valueOf(row: Row, key: SortKey): Value {
  if (key === 'campaignId') return row.campaignId;
  if (key === 'firstEventAt') return row.firstEventAt;
  if ((RATE_NAMES as readonly string[]).includes(key)) return row.rates[key as keyof Rates];
  return row.counts[key as CountName];
}

function compareValues(a: Value, b: Value, desc: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return desc ? -c : c;
}

function comparePos(a: { v: Value; id: string }, b: { v: Value; id: string }, desc: boolean): number {
  return compareValues(a.v, b.v, desc) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const cursorSchema = z.object({
  s: z.string(),
  v: z.union([z.number(), z.string(), z.null()]),
  id: z.string(),
});

export function encodeCursor(sort: string, v: Value, id: string): string {
  return Buffer.from(JSON.stringify({ s: sort, v, id })).toString('base64url');
}

function decodeCursor(cursor: string, sort: string): { v: Value; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success) throw badParam('cursor', 'not a cursor this API issued');
  if (c.data.s !== sort) throw badParam('cursor', `issued for sort=${c.data.s}, not sort=${sort}`);
  return c.data;
}

/** One page of `rows` in the order of `sort`, after `cursor`, and the cursor of the next page. */
export function page<T extends Row>(
  rows: T[],
  sort: string,
  limit: number,
  cursor?: string,
): { items: T[]; nextCursor: string | null } {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as SortKey;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, sort);
  const positioned = rows.map((row) => ({ row, pos: { v: valueOf(row, key), id: row.campaignId } }));
  positioned.sort((a, b) => comparePos(a.pos, b.pos, desc));
  const rest = after ? positioned.filter((p) => comparePos(p.pos, after, desc) > 0) : positioned;
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map((p) => p.row),
    nextCursor: rest.length > limit && last ? encodeCursor(sort, last.pos.v, last.pos.id) : null,
  };
}
