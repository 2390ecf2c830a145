/**
 * Applies canonical events to the per-campaign counters in Redis: one Lua script call per batch.
 *
 * Why this is exactly-once in effect although Kafka delivery is at-least-once:
 * - Status events are idempotent by construction. A message's state is a set of status bits
 *   (sent, delivered, failed, opened, clicked, replied, converted), each event ORs in the bits it
 *   implies (a read implies delivered and sent). The campaign counters are moved only by the
 *   difference between the bits already counted (`k`) and the new effective bits, so replaying,
 *   duplicating or reordering status events can never move a counter twice, and a `failed` that
 *   is followed by a `delivered` is taken back (failed means never delivered).
 * - Per-event effects (every click, every conversion, money) are guarded by the event id, stored
 *   on the message (`e:<eventId>`) or, without a message, in a TTL'd marker — set in the same
 *   script as the increment.
 * - Recipient-level counts (opt-outs, uninstalls) are set memberships: adding twice is a no-op.
 * - The whole batch runs as one Lua script, which Redis executes atomically: a crash of the
 *   aggregator leaves either none or all of a batch applied, and offsets are committed only after
 *   the script returned, so a crash before the commit replays the batch — harmlessly, as above.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { CanonicalEvent, EventType } from '@tally/events';
import { toMoneyUnits } from '@tally/kpi';

export const APPLY_EVENTS_LUA = readFileSync(new URL('./apply-events.lua', import.meta.url), 'utf8');

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
const PER_EVENT_COUNTER: Partial<Record<EventType, string>> = { clicked: 'clicks', converted: 'conversions' };

export interface CompactEvent {
  i: string;
  t: string;
  y: EventType;
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
}

/** The script's view of an event: only what it needs, in short fields. */
export function compactEvent(e: CanonicalEvent): CompactEvent {
  const c: CompactEvent = {
    i: e.eventId,
    t: e.tenantId,
    y: e.type,
    h: e.channel,
    a: Date.parse(e.occurredAt),
    b: IMPLIED[e.type] ?? 0,
  };
  if (e.campaignId !== undefined) c.c = e.campaignId;
  if (e.messageId !== undefined) c.m = e.messageId;
  if (e.recipientId !== undefined) c.r = e.recipientId;
  const n = PER_EVENT_COUNTER[e.type];
  if (n) c.n = n;
  const money = e.type === 'converted' ? e.value : e.cost;
  if (money) {
    c.mk = e.type === 'converted' ? 'revenue' : 'cost';
    c.mc = money.currency;
    c.mu = toMoneyUnits(money.amount);
  }
  return c;
}

export interface ApplyResult {
  applied: number;
  duplicates: number;
  parked: number;
  unattributed: number;
}

export interface ApplyOptions {
  prefix: string;
  messageTtlSeconds: number;
  dedupeTtlSeconds: number;
}

type RedisWithApply = Redis & {
  tallyApplyEvents(...args: (string | number)[]): Promise<[number, number, number, number]>;
};

export async function applyEvents(
  redis: Redis,
  events: CanonicalEvent[],
  opts: ApplyOptions,
): Promise<ApplyResult> {
  if (events.length === 0) return { applied: 0, duplicates: 0, parked: 0, unattributed: 0 };
  const r = redis as RedisWithApply;
  if (typeof r.tallyApplyEvents !== 'function') {
    redis.defineCommand('tallyApplyEvents', { numberOfKeys: 0, lua: APPLY_EVENTS_LUA });
  }
  const [applied, duplicates, parked, unattributed] = await r.tallyApplyEvents(
    opts.prefix,
    opts.messageTtlSeconds,
    opts.dedupeTtlSeconds,
    ...events.map((e) => JSON.stringify(compactEvent(e))),
  );
  return { applied, duplicates, parked, unattributed };
}
