/**
 * Readers of a tenant's deliverability cells and list-hygiene entries (issue 20), by UTC day
 * (keys.ts `dl:<day>`, `hy:<day>`; written by count-message.ts). Every key is in the tenant's slot.
 */
import type { RedisClient } from '@tally/redis';
import { FIELD_SEPARATOR, type RedisKeys } from './keys.ts';
import { hgetall } from './read.ts';
import { readWhole } from './whole-read.ts';

type Raw = Record<string, string>;

const DAY = 86_400_000;

/** The `days` UTC day numbers (epoch ms / 86 400 000) ending with today's. */
export function dayRange(days: number, now: number): number[] {
  const today = Math.floor(now / DAY);
  return Array.from({ length: days }, (_, i) => today - days + 1 + i);
}

export interface DeliverabilityCell {
  day: number;
  status: 'sent' | 'delivered' | 'failed';
  channel: string;
  provider: string;
  country: string;
  carrier: string;
  failureClass: string;
  permanent: boolean;
  n: number;
}

export interface HygieneEntry {
  recipient: string;
  t: number;
  /** A failure class, or `opted_out` / `opted_in`. */
  kind: string;
  permanent: boolean;
  messageId: string;
  provider: string;
}

async function readDays(redis: RedisClient, keys: string[], key: RedisKeys): Promise<Raw[]> {
  if (keys.length === 0) return [];
  return (await readWhole(
    redis,
    key,
    keys.map((k) => hgetall(k)),
  )) as Raw[];
}

/** The cells of the given days (non-zero counts only). */
export async function readDeliverability(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  days: number[],
): Promise<DeliverabilityCell[]> {
  const raws = await readDays(
    redis,
    days.map((d) => keys.deliverability(tenant, d)),
    keys,
  );
  const out: DeliverabilityCell[] = [];
  raws.forEach((raw, i) => {
    for (const [field, v] of Object.entries(raw)) {
      const n = Number(v);
      if (!(n > 0)) continue;
      const [
        status = '',
        channel = '',
        provider = '',
        country = '',
        carrier = '',
        failureClass = '',
        p = '',
      ] = field.split(FIELD_SEPARATOR);
      if (status !== 'sent' && status !== 'delivered' && status !== 'failed') continue;
      out.push({
        day: days[i] ?? 0,
        status,
        channel,
        provider,
        country,
        carrier,
        failureClass,
        permanent: p === '1',
        n,
      });
    }
  });
  return out;
}

/** The list-hygiene entries of the given days (each counted once, whatever its count). */
export async function readHygiene(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  days: number[],
): Promise<HygieneEntry[]> {
  const raws = await readDays(
    redis,
    days.map((d) => keys.hygiene(tenant, d)),
    keys,
  );
  const out: HygieneEntry[] = [];
  for (const raw of raws)
    for (const [field, v] of Object.entries(raw)) {
      if (!(Number(v) > 0)) continue;
      const [recipient = '', t = '0', kind = '', p = '', messageId = '', provider = ''] =
        field.split(FIELD_SEPARATOR);
      out.push({ recipient, t: Number(t), kind, permanent: p === '1', messageId, provider });
    }
  return out;
}

/** Classes that put a recipient on the hygiene list at once; `unreachable` only when repeated. */
const LIST_AT_ONCE = new Set(['invalid_number', 'blocked_or_opted_out', 'not_capable', 'opted_out']);

export interface HygieneRow {
  recipientId: string;
  /** The reason: a failure class, or `opted_out` (an opt-out Tally received). */
  failureClass: string;
  permanent: boolean;
  /** The provider's id of the last message that put the recipient here (a pseudonym for WhatsApp wamids). */
  messageId: string | null;
  provider: string | null;
  at: string;
  /** Unreachable failures since the recipient's last opt-in. */
  unreachable: number;
}

/**
 * The recipients to stop sending to: per recipient, its entries since its last opt-in; listed when
 * one of them is an invalid number, a block or opt-out, a channel it cannot take, a permanent
 * failure, or when `unreachableRepeat` or more failures were `unreachable`. The row names the
 * latest entry that listed it. Newest first, then by recipient.
 */
export function hygieneList(entries: HygieneEntry[], unreachableRepeat: number): HygieneRow[] {
  const by = new Map<string, HygieneEntry[]>();
  for (const e of entries) {
    const list = by.get(e.recipient) ?? [];
    list.push(e);
    by.set(e.recipient, list);
  }
  const rows: HygieneRow[] = [];
  for (const [recipient, list] of by) {
    list.sort((a, b) => a.t - b.t || a.kind.localeCompare(b.kind) || a.messageId.localeCompare(b.messageId));
    let since = 0;
    list.forEach((e, i) => {
      if (e.kind === 'opted_in') since = i + 1;
    });
    const live = list.slice(since);
    const unreachable = live.filter((e) => e.kind === 'unreachable').length;
    const listing = live.filter(
      (e) =>
        LIST_AT_ONCE.has(e.kind) ||
        e.permanent ||
        (e.kind === 'unreachable' && unreachable >= unreachableRepeat),
    );
    const last = listing[listing.length - 1];
    if (!last) continue;
    rows.push({
      recipientId: recipient,
      failureClass: last.kind,
      permanent: last.permanent,
      messageId: last.messageId || null,
      provider: last.provider || null,
      at: new Date(last.t).toISOString(),
      unreachable,
    });
  }
  return rows.sort((a, b) => b.at.localeCompare(a.at) || a.recipientId.localeCompare(b.recipientId));
}
