/**
 * Applies one Kafka batch (one partition) to the state in Redis: one Lua script call per batch.
 *
 * Why the effect is exactly-once although Kafka delivery is at-least-once:
 * 1. Offsets live in the state. The script stores "next offset" per partition (`P:offsets`) in the
 *    same atomic step as the batch's effects, and skips every record below it. A batch redelivered
 *    after a crash, a rebalance or a lagging Kafka commit is therefore skipped record by record;
 *    Kafka's committed offset is only a hint of where to resume. A batch that starts *above* the
 *    stored offset (the state was restored from an older snapshot) is refused with `seek`, and the
 *    consumer seeks back; a gap is accepted only when the log no longer holds those offsets.
 * 2. The script runs atomically: a crash leaves either none or all of a batch applied.
 * 3. Duplicate *events* (provider retries: a different record, the same eventId) are idempotent:
 *    - a message's status is a set of bits (a read implies delivered and sent); counters move only
 *      by the difference between the bits already counted (`k`, and `bk` for breakdowns) and the
 *      new effective bits, so a `failed` followed by a `delivered` is taken back;
 *    - times are min/max (first send, first delivery, first reply, first/last inbound) and derived
 *      figures (response-time bucket `rb`, engagement `ed`) are re-derived and moved, not added;
 *    - per-event effects (every click, conversion, survey, money) are guarded by the event id,
 *      on the message (`e:<eventId>`) or in a TTL'd marker, set in the same script;
 *    - events attributed through recipient state are deduplicated by event id *before* attribution,
 *      so a later copy cannot be attributed elsewhere;
 *    - recipient-level counts (opt-outs, uninstalls, adopters, in-app openers) are set memberships.
 * 4. Snapshots are a consistent cut: one script returns every key written since the last snapshot
 *    (the script records them in `P:dirty`) together with `P:offsets`, all at the same instant, and
 *    Postgres stores them in one transaction (services/aggregator snapshotter.ts). The union of
 *    committed snapshots is the exact state at the last cut, offsets included, so a rebuild restores
 *    state S(O) and replay from O re-applies exactly the records after the cut (recovery.ts).
 *
 * Limits: idempotency state expires (messages after MESSAGE_TTL_SECONDS, markers after
 * DEDUPE_TTL_SECONDS); a copy of an event later than that counts again. Attribution through
 * recipient state depends on what is known when the event is applied: a reply applied before the
 * send that reached the recipient (another partition) stays unattributed.
 *
 * Redis Cluster: keys carry hash tags per campaign, message and recipient, but a batch touches
 * many of them and the script spells keys itself rather than declaring them, so it needs a
 * single-shard Redis (standalone or Sentinel). Running on Cluster would mean splitting a batch by
 * slot and giving up cross-entity atomicity (message → campaign), which the argument above needs.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { CanonicalEvent, EventType } from '@tally/events';
import { toMoneyUnits } from '@tally/kpi';
import { LUA_KEYS } from './keys.ts';

/** The script's parts (./apply/), concatenated in this order into one chunk. */
const PARTS = ['1-batch.lua', '2-recipient.lua', '3-message.lua', '4-events.lua'];
const body = PARTS.map((f) => readFileSync(new URL(`./apply/${f}`, import.meta.url), 'utf8')).join('\n');
export const APPLY_EVENTS_LUA = `local P = ARGV[1]\n${LUA_KEYS}\n${body}`;

export const STATUS_BITS = {
  sent: 1,
  delivered: 2,
  failed: 4,
  opened: 8,
  clicked: 16,
  replied: 32,
  converted: 64,
} as const;

const IMPLIED: Partial<Record<EventType, number>> = {
  sent: STATUS_BITS.sent,
  delivered: STATUS_BITS.sent | STATUS_BITS.delivered,
  failed: STATUS_BITS.sent | STATUS_BITS.failed,
  opened: STATUS_BITS.sent | STATUS_BITS.delivered | STATUS_BITS.opened,
  clicked: STATUS_BITS.sent | STATUS_BITS.delivered | STATUS_BITS.clicked,
  replied: STATUS_BITS.sent | STATUS_BITS.delivered | STATUS_BITS.replied,
  converted: STATUS_BITS.sent | STATUS_BITS.converted,
};

/** Counters that grow by one per distinct event rather than per message. */
const PER_EVENT_COUNTER: Partial<Record<EventType, string>> = {
  clicked: 'clicks',
  converted: 'conversions',
  survey_answered: 'surveys',
};

/** The script's view of an event: only what it needs, in short fields. */
export interface CompactEvent {
  i: string;
  t: string;
  y: EventType;
  o: number;
  c?: string;
  m?: string;
  r?: string;
  h: string;
  a: number;
  b: number;
  n?: string;
  mk?: 'cost' | 'revenue';
  mc?: string;
  mu?: number;
  sc?: number;
  ec?: string;
  dg?: string;
  dv?: string;
  ds?: string;
  dc?: string;
}

export function compactEvent(e: CanonicalEvent, offset: number): CompactEvent {
  const c: CompactEvent = {
    i: e.eventId,
    t: e.tenantId,
    y: e.type,
    o: offset,
    h: e.channel,
    a: Date.parse(e.occurredAt),
    b: IMPLIED[e.type] ?? 0,
  };
  const optional: [keyof CompactEvent, string | undefined][] = [
    ['c', e.campaignId],
    ['m', e.messageId],
    ['r', e.recipientId],
    ['n', PER_EVENT_COUNTER[e.type]],
    ['ec', e.errorCode],
  ];
  if (e.type === 'sent')
    optional.push(['dg', e.segment], ['dv', e.variant], ['ds', e.sender], ['dc', e.country]);
  for (const [k, v] of optional) if (v !== undefined) (c as unknown as Record<string, unknown>)[k] = v;
  if (e.score !== undefined) c.sc = e.score;
  const money = e.type === 'converted' ? e.value : e.cost;
  if (money) {
    c.mk = e.type === 'converted' ? 'revenue' : 'cost';
    c.mc = money.currency;
    c.mu = toMoneyUnits(money.amount);
  }
  return c;
}

/** Per-tenant attribution windows (SPEC §4), in ms. */
export interface AttributionWindows {
  replyMs: number;
  clickMs: number;
  deliveredMs: number;
}

export const DEFAULT_WINDOWS: AttributionWindows = {
  replyMs: 72 * 3600_000,
  clickMs: 5 * 86_400_000,
  deliveredMs: 86_400_000,
};

export interface ApplyOptions {
  prefix: string;
  messageTtlSeconds: number;
  dedupeTtlSeconds: number;
  recipientTtlSeconds: number;
  /** How long minute buckets are kept after their minute (≥ 25 h so `24h` windows are whole). */
  minuteTtlSeconds: number;
  now: number;
}

export interface BatchInput {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  /** Decoded events with their offsets (dead-lettered records are simply absent). */
  events: { offset: string; event: CanonicalEvent }[];
  windows: Map<string, AttributionWindows>;
  allowGap?: boolean;
}

export type ApplyResult =
  | {
      status: 'ok';
      applied: number;
      duplicates: number;
      parked: number;
      unattributed: number;
      skipped: number;
    }
  | { status: 'lost' }
  | { status: 'seek'; offset: string };

type RedisWithApply = Redis & {
  tallyApplyEvents(...args: (string | number)[]): Promise<(string | number)[]>;
};

export async function applyBatch(redis: Redis, batch: BatchInput, opts: ApplyOptions): Promise<ApplyResult> {
  const r = redis as RedisWithApply;
  if (typeof r.tallyApplyEvents !== 'function') {
    redis.defineCommand('tallyApplyEvents', { numberOfKeys: 0, lua: APPLY_EVENTS_LUA });
  }
  const windows: Record<string, number[]> = {};
  for (const [t, w] of batch.windows) windows[t] = [w.replyMs, w.clickMs, w.deliveredMs];
  const res = await r.tallyApplyEvents(
    opts.prefix,
    opts.messageTtlSeconds,
    opts.dedupeTtlSeconds,
    opts.recipientTtlSeconds,
    opts.minuteTtlSeconds,
    opts.now,
    `${batch.topic}:${batch.partition}`,
    batch.firstOffset,
    batch.lastOffset,
    batch.allowGap ? '1' : '0',
    JSON.stringify(windows),
    ...batch.events.map((e) => JSON.stringify(compactEvent(e.event, Number(e.offset)))),
  );
  return toResult(res);
}

function toResult(res: (string | number)[]): ApplyResult {
  const [status, ...rest] = res;
  if (status === 'lost') return { status };
  if (status === 'seek') return { status, offset: String(rest[0]) };
  const [applied = 0, duplicates = 0, parked = 0, unattributed = 0, skipped = 0] = rest.map(Number);
  return { status: 'ok', applied, duplicates, parked, unattributed, skipped };
}
