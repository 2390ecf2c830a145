/**
 * The only module that spells Redis keys — in TypeScript (`RedisKeys`) and, for the Lua scripts,
 * in Lua (`LUA_KEYS`, prepended to every script; an integration test checks the two agree).
 * Grammar (P = configurable prefix, T = tenant, C = campaign, M = message id, R = recipient):
 *
 *   P:c:{T:C}:counts      hash   lifetime counts of C (CountName fields + stat fields, see read.ts)
 *   P:c:{T:C}:money       hash   cost:<CUR> / revenue:<CUR> in integer ten-thousandths
 *   P:c:{T:C}:meta        hash   channel, firstAt (ms)
 *   P:c:{T:C}:rt          hash   response-time histogram: log-bucket index → replied messages
 *   P:c:{T:C}:w:<minute>  hash   first-occurrences in that event-time minute (TTL ≥ 25 h)
 *   P:c:{T:C}:we:<minute> hash   failed messages in that minute by provider error code (TTL as :w:)
 *   P:c:{T:C}:wt:<minute> hash   the minute's first-occurrences per send tuple: "<tupleId>\0<status>"
 *                                → messages (filtered rolling windows; TTL as :w:)
 *   P:s:{T:S}:w:<minute>  hash   per sender S (sending number or id), across campaigns: sent,
 *                                delivered, failed, optOuts first-occurrences in that minute (TTL as :w:)
 *   P:s:{T:S}:we:<minute> hash   the sender's failed messages in that minute by error code
 *   P:t:{T}:active        zset   "c:<campaign>" / "s:<sender>" scored by the newest minute with
 *                                counts (alert evaluation reads only recently active scopes)
 *   P:c:{T:C}:bt          hash   breakdown: "<tupleId>\0<status>" → messages, per send tuple
 *   P:c:{T:C}:dims        hash   interned send tuples "channel\0segment\0variant\0sender\0country
 *                                \0hour_of_day\0day_of_week" ("#" last id, "i:<tuple>", "s:<id>")
 *   P:c:{T:C}:bd:<dim>    hash   breakdown of failed messages by error_code: "<code>\0failed" → n
 *   P:c:{T:C}:optouts     set    recipients that opted out, attributed to C
 *   P:c:{T:C}:uninstalls  set    recipients that uninstalled, attributed to C
 *   P:c:{T:C}:openers     set    in-app recipients who opened a message of C
 *   P:c:{T:C}:adopters    set    recipients with feature_adopted attributed to C
 *   P:c:{T:C}:seen:<id>   string dedupe marker of a per-event effect without a message (TTL)
 *   P:m:{T:M}             hash   per-message state (see apply/3-message.lua), TTL refreshed on write
 *   P:r:{T:R}             hash   per-recipient state: reaches, last click/delivery, engagement and
 *                                reply, subscription, messages received (in all and per day and
 *                                channel), conversions and revenue (see apply/2-recipient.lua;
 *                                TTL refreshed on write)
 *   P:t:{T}:campaigns     zset   the tenant's campaigns, scored by first event time (ms)
 *   P:t:{T}:unattributed  hash   events that could not be attributed, counted by type
 *   P:t:{T}:seen:<id>     string dedupe marker of an event resolved through recipient state (TTL)
 *   P:offsets             hash   "<topic>:<partition>" → next offset applied to this state
 *   P:parked              zset   "T\0M" of messages with receipts but no campaign, by park time
 *   P:dirty               set    keys written since the last snapshot (P:dirty:inflight while one runs)
 *   P:epoch               string present while the state is whole; missing = Redis lost its data
 *   P:rl:{T}:<minute>     string query-api requests of tenant T in that wall-clock minute (TTL 2 min)
 *
 * Campaign keys carry the `{T:C}` hash tag, message and recipient keys `{T:M}` / `{T:R}`, so each
 * entity's keys share one Redis Cluster slot. A batch touches many entities at once and is applied
 * by one script, which therefore needs a single-shard Redis (see apply.ts on Cluster).
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  campaignTag(tenant: string, campaign: string): string {
    return `${this.prefix}:c:{${tenant}:${campaign}}`;
  }
  counts(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:counts`;
  }
  money(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:money`;
  }
  meta(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:meta`;
  }
  responseTimes(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:rt`;
  }
  minute(tenant: string, campaign: string, minute: number): string {
    return `${this.campaignTag(tenant, campaign)}:w:${minute}`;
  }
  minuteErrors(tenant: string, campaign: string, minute: number): string {
    return `${this.campaignTag(tenant, campaign)}:we:${minute}`;
  }
  minuteTuples(tenant: string, campaign: string, minute: number): string {
    return `${this.campaignTag(tenant, campaign)}:wt:${minute}`;
  }
  senderTag(tenant: string, sender: string): string {
    return `${this.prefix}:s:{${tenant}:${sender}}`;
  }
  senderMinute(tenant: string, sender: string, minute: number): string {
    return `${this.senderTag(tenant, sender)}:w:${minute}`;
  }
  senderMinuteErrors(tenant: string, sender: string, minute: number): string {
    return `${this.senderTag(tenant, sender)}:we:${minute}`;
  }
  active(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:active`;
  }
  tuples(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:bt`;
  }
  dims(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:dims`;
  }
  breakdown(tenant: string, campaign: string, dim: string): string {
    return `${this.campaignTag(tenant, campaign)}:bd:${dim}`;
  }
  message(tenant: string, message: string): string {
    return `${this.prefix}:m:{${tenant}:${message}}`;
  }
  recipient(tenant: string, recipient: string): string {
    return `${this.prefix}:r:{${tenant}:${recipient}}`;
  }
  campaigns(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:campaigns`;
  }
  unattributed(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:unattributed`;
  }
  offsets(): string {
    return `${this.prefix}:offsets`;
  }
  parked(): string {
    return `${this.prefix}:parked`;
  }
  dirty(): string {
    return `${this.prefix}:dirty`;
  }
  dirtyInflight(): string {
    return `${this.prefix}:dirty:inflight`;
  }
  epoch(): string {
    return `${this.prefix}:epoch`;
  }
  /** Query-api rate limit: the tenant's request count in one wall-clock minute (not Lua-side). */
  rateLimit(tenant: string, minute: number): string {
    return `${this.prefix}:rl:{${tenant}}:${minute}`;
  }
  /** SCAN pattern of every key under the prefix. */
  all(): string {
    return `${this.prefix}:*`;
  }

  /** What a key is, for snapshots that keep some kinds in readable tables too. */
  parse(key: string): ParsedKey {
    const body = key.startsWith(`${this.prefix}:`) ? key.slice(this.prefix.length + 1) : undefined;
    if (body === undefined) return { kind: 'other' };
    const tagged = /^([cmr]):\{([^:}]+):(.*)\}(?::(.*))?$/s.exec(body);
    if (!tagged) return { kind: 'other' };
    const [, k, tenant = '', id = '', suffix = ''] = tagged;
    if (k === 'm') return { kind: 'message', tenant, id };
    if (k === 'r') return { kind: 'recipient', tenant, id };
    if (suffix === 'counts' || suffix === 'money' || suffix === 'meta')
      return { kind: suffix, tenant, campaign: id };
    const minute = /^w:(\d+)$/.exec(suffix);
    if (minute) return { kind: 'minute', tenant, campaign: id, minute: Number(minute[1]) };
    return { kind: 'other' };
  }
}

export type ParsedKey =
  | { kind: 'counts' | 'money' | 'meta'; tenant: string; campaign: string }
  | { kind: 'minute'; tenant: string; campaign: string; minute: number }
  | { kind: 'message' | 'recipient'; tenant: string; id: string }
  | { kind: 'other' };

export const FIELD_SEPARATOR = '\u0000';

/** The same grammar for the Lua scripts; `P` must be a local holding the prefix. */
export const LUA_KEYS = `
local K = {}
function K.tag(t, c) return P .. ':c:{' .. t .. ':' .. c .. '}' end
function K.counts(t, c) return K.tag(t, c) .. ':counts' end
function K.money(t, c) return K.tag(t, c) .. ':money' end
function K.meta(t, c) return K.tag(t, c) .. ':meta' end
function K.rt(t, c) return K.tag(t, c) .. ':rt' end
function K.minute(t, c, minute) return K.tag(t, c) .. ':w:' .. minute end
function K.werr(t, c, minute) return K.tag(t, c) .. ':we:' .. minute end
function K.wtuple(t, c, minute) return K.tag(t, c) .. ':wt:' .. minute end
function K.stag(t, s) return P .. ':s:{' .. t .. ':' .. s .. '}' end
function K.sminute(t, s, minute) return K.stag(t, s) .. ':w:' .. minute end
function K.swerr(t, s, minute) return K.stag(t, s) .. ':we:' .. minute end
function K.active(t) return P .. ':t:{' .. t .. '}:active' end
function K.breakdown(t, c, dim) return K.tag(t, c) .. ':bd:' .. dim end
function K.tuples(t, c) return K.tag(t, c) .. ':bt' end
function K.dims(t, c) return K.tag(t, c) .. ':dims' end
function K.optouts(t, c) return K.tag(t, c) .. ':optouts' end
function K.uninstalls(t, c) return K.tag(t, c) .. ':uninstalls' end
function K.openers(t, c) return K.tag(t, c) .. ':openers' end
function K.adopters(t, c) return K.tag(t, c) .. ':adopters' end
function K.cseen(t, c, id) return K.tag(t, c) .. ':seen:' .. id end
function K.message(t, m) return P .. ':m:{' .. t .. ':' .. m .. '}' end
function K.recipient(t, r) return P .. ':r:{' .. t .. ':' .. r .. '}' end
function K.campaigns(t) return P .. ':t:{' .. t .. '}:campaigns' end
function K.unattributed(t) return P .. ':t:{' .. t .. '}:unattributed' end
function K.tseen(t, id) return P .. ':t:{' .. t .. '}:seen:' .. id end
K.offsets = P .. ':offsets'
K.parked = P .. ':parked'
K.dirty = P .. ':dirty'
K.inflight = P .. ':dirty:inflight'
K.epoch = P .. ':epoch'
`;
