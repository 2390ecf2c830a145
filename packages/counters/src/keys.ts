/**
 * The only module that spells Redis keys (the Lua scripts receive every key from here, declared
 * in KEYS). Grammar (P = configurable prefix, T = tenant, C = campaign, S = sender, p = partition
 * "<topic>:<n>" of the events topic):
 *
 * Partition state — written only by the partition's owner, one hash slot per partition `{p}`:
 *   P:p:{p}:meta      hash   next (offset), stream (stream time, ms), epoch (present = whole),
 *                            v (commits so far: the commit fence), replayTo (after a restore)
 *   P:p:{p}:r         hash   "T R" → recipient record (state/recipient.ts, codec.ts)
 *   P:p:{p}:m         hash   "T M" → message record (state/message.ts); the partition's message index
 *   P:p:{p}:e         hash   "T <digest>" → events without recipient or message, and late events
 *                            (deduplication)
 *   P:p:{p}:x         hash   "T M" → stream time until which a retired message id is remembered
 *   P:p:{p}:outbox    string the last batch's scope deltas (re-applied, fenced, after a crash)
 *   P:p:{p}:dirty     hash   "r|m|e|x T id" → the record's value as written since the last cut ("" = deleted)
 *   P:p:{p}:cut:<n>   hash   a cut taken for a snapshot (the dirty hash renamed), until it is stored
 *   P:p:{p}:dscopes   set    scope ids written since the last snapshot
 *   P:p:{p}:dir       hash   "T M" → the partition that holds M, for messages keyed here by id
 *   P:p:{p}:anon      hash   "T M" → 1 while M is held here without a known recipient
 *
 * Scopes — aggregates, written through fenced deltas (partition/scope-write.ts); a scope's keys
 * share one hash slot (`{T:C}`, `{T:S}`, `{T}`):
 *   P:c:{T:C}:counts      hash   lifetime counts (CountName fields + stat fields, see read.ts)
 *   P:c:{T:C}:money       hash   cost:<CUR> / revenue:<CUR> in ten-thousandths (+ ":hi" × 10^15)
 *   P:c:{T:C}:meta        hash   channel, firstAt (ms): of the earliest event counted to C
 *   P:c:{T:C}:rt          hash   response-time histogram: log-bucket index → replied messages
 *   P:c:{T:C}:w:<minute>  hash   first-occurrences and per-event sums in that minute (TTL ≥ 25 h)
 *   P:c:{T:C}:we:<minute> hash   failed messages in that minute by provider error code
 *   P:c:{T:C}:wt:<minute> hash   "<tupleId>\0<status>" → messages first reached in that minute
 *   P:c:{T:C}:wd:<minute> hash   alert dimensions (issue 20): "cr:<carrier>\0<status>",
 *                                "co:<country>\0<status>" (sent, delivered, failed), "fc:<class>\0failed",
 *                                "fc:<class>\0cr:<carrier>", "fc:<class>\0co:<country>" → messages
 *   P:s:{T:S}:wd:<minute> hash   the same for a sender across campaigns
 *   P:c:{T:C}:bt          hash   breakdown: "<tupleId>\0<status>" → messages, per send tuple
 *   P:c:{T:C}:dims        hash   "s:<tupleId>" → send tuple "channel\0segment\0variant\0sender
 *                                \0country\0hour_of_day\0day_of_week" (tupleId = digest of it)
 *   P:c:{T:C}:bd:<dim>    hash   failed messages by error_code: "<code>\0failed" → n, by failure_class
 *                                "<class>\0failed", by class_code "<class>\u0001<code>\0failed" (the raw
 *                                codes under each class), and every status by carrier "<mcc-mnc>\0<status>"
 *   P:c:{T:C}:x           hash   experiment figures "<arm>\0<figure>" (state/count-experiment.ts):
 *                                per variant, sent messages without a tuple, and held-out recipients
 *   P:s:{T:S}:w:<minute>  hash   per sender S across campaigns: sent, delivered, failed, optOuts
 *   P:s:{T:S}:we:<minute> hash   the sender's failed messages in that minute by error code
 *   P:t:{T}:active        zset   "c:<campaign>" / "s:<sender>" by the newest minute with counts
 *   P:t:{T}:campaigns     zset   the tenant's campaigns by first event time (ms)
 *   P:t:{T}:pending       hash   "<type>:<utc day>" → events that count nowhere yet (a campaign-
 *                                less message counts once, as type "message")
 *   P:t:{T}:unattributed  hash   <type> → events without recipient and campaign
 *   P:t:{T}:late          hash   <type> → events beyond the tenant's late-data horizon
 *   P:t:{T}:imp:<import>  hash   applied / duplicate / late → records of that import the aggregator
 *                                applied (issue 22: an import's progress; the id is `importIdSchema`)
 *   P:t:{T}:dl:<day>      hash   deliverability (issue 20): "status\0channel\0provider\0country\0carrier
 *                                \0failureClass\0permanent" → messages whose first sent / delivered /
 *                                failed is on that UTC day (count-message.ts deliverabilityField)
 *   P:t:{T}:hy:<day>      hash   list hygiene: "recipient\0t\0class|opted_out|opted_in\0permanent
 *                                \0messageId\0provider" → 1, per failure / opt-out on that UTC day
 *   <scope>:fence         hash   "<topic>:<n>" → last offset of that partition applied here
 *   <scope>:touched       set    keys of the scope written since the last snapshot
 *
 * Others:
 *   P:epoch               string present while the state is whole; missing = Redis lost its data
 *   P:se:{<slot tag>}     string on Redis Cluster, one per hash slot: the epoch again, so a master that
 *                         lost its data is seen by every script and read on its slots (partition/epoch.ts)
 *   P:rl:{T}:<minute>     string query-api requests of tenant T in that wall-clock minute (TTL 2 min)
 */
import type { Scope } from './state/contribution.ts';
import { slotOf } from '@tally/redis';

/** The tenant-scope key suffix of an import's progress (a delta's cell key, see importProgress). */
export function importProgressSuffix(importId: string): string {
  return `imp:${importId}`;
}

export interface PartitionKeys {
  /** The partition as a field name: "<topic>:<n>" (fences, offsets). */
  field: string;
  meta: string;
  recipients: string;
  messages: string;
  loose: string;
  tombstones: string;
  outbox: string;
  dirty: string;
  /** Cut n is `${cutPrefix}${n}`. */
  cutPrefix: string;
  dirtyScopes: string;
  directory: string;
  anonymous: string;
}

let slotTags: string[] | undefined;

/** A hash tag that falls in the given slot (the first base-36 number that does; computed once). */
export function slotTag(slot: number): string {
  if (!slotTags) {
    const tags = new Array<string>(16384);
    let left = 16384;
    for (let n = 0; left > 0; n++) {
      const t = n.toString(36);
      const s = slotOf(t);
      if (tags[s] === undefined) {
        tags[s] = t;
        left--;
      }
    }
    slotTags = tags;
  }
  return slotTags[slot] ?? '';
}

export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Alert dimensions of a scope's minute (`wd:<minute>`), campaign or sender. */
  minuteDimensions(scope: 'campaign' | 'sender', tenant: string, id: string, minute: number): string {
    const tag = scope === 'campaign' ? this.campaignTag(tenant, id) : this.senderTag(tenant, id);
    return `${tag}:wd:${minute}`;
  }
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
  experiment(tenant: string, campaign: string): string {
    return `${this.campaignTag(tenant, campaign)}:x`;
  }
  breakdown(tenant: string, campaign: string, dim: string): string {
    return `${this.campaignTag(tenant, campaign)}:bd:${dim}`;
  }
  campaigns(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:campaigns`;
  }
  unattributed(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}:unattributed`;
  }
  tenantTag(tenant: string): string {
    return `${this.prefix}:t:{${tenant}}`;
  }
  pending(tenant: string): string {
    return `${this.tenantTag(tenant)}:pending`;
  }
  late(tenant: string): string {
    return `${this.tenantTag(tenant)}:late`;
  }
  /** An import's progress as the aggregator applied it (written as a tenant-scope delta). */
  importProgress(tenant: string, importId: string): string {
    return `${this.tenantTag(tenant)}:${importProgressSuffix(importId)}`;
  }
  /** A tenant's deliverability cells of one UTC day (day = epoch ms / 86 400 000). */
  deliverability(tenant: string, day: number): string {
    return `${this.tenantTag(tenant)}:dl:${day}`;
  }
  /** A tenant's list-hygiene entries of one UTC day. */
  hygiene(tenant: string, day: number): string {
    return `${this.tenantTag(tenant)}:hy:${day}`;
  }
  /** The key prefix (hash tag included) of a scope id of state/contribution.ts. */
  scopeTag(scope: Scope): string {
    if (scope.kind === 't') return this.tenantTag(scope.tenant);
    return scope.kind === 'c'
      ? this.campaignTag(scope.tenant, scope.id)
      : this.senderTag(scope.tenant, scope.id);
  }
  fence(tag: string): string {
    return `${tag}:fence`;
  }
  touched(tag: string): string {
    return `${tag}:touched`;
  }
  /** The keys of one partition's state; all share the partition's hash slot. */
  partition(topic: string, partition: number): PartitionKeys {
    const tag = `${this.prefix}:p:{${topic}:${partition}}`;
    return {
      field: `${topic}:${partition}`,
      meta: `${tag}:meta`,
      recipients: `${tag}:r`,
      messages: `${tag}:m`,
      loose: `${tag}:e`,
      tombstones: `${tag}:x`,
      outbox: `${tag}:outbox`,
      dirty: `${tag}:dirty`,
      cutPrefix: `${tag}:cut:`,
      dirtyScopes: `${tag}:dscopes`,
      directory: `${tag}:dir`,
      anonymous: `${tag}:anon`,
    };
  }
  epoch(): string {
    return `${this.prefix}:epoch`;
  }
  /**
   * The epoch of one Redis Cluster hash slot (partition/epoch.ts): a key whose hash tag is chosen
   * to fall in that slot, so a script on the slot can declare it beside its own keys.
   */
  slotEpoch(slot: number): string {
    return `${this.prefix}:se:{${slotTag(slot)}}`;
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
    const tagged = /^c:\{([^:}]+):(.*)\}(?::(.*))?$/s.exec(body);
    if (!tagged) return { kind: 'other' };
    const [, tenant = '', id = '', suffix = ''] = tagged;
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
  | { kind: 'other' };

export const FIELD_SEPARATOR = '\u0000';
