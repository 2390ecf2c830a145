/**
 * What an entity (a recipient with its messages, a message without a recipient, an event without
 * either) adds to the shared aggregates: campaign, sender and tenant scopes. A batch computes an
 * entity's contribution before and after its events and writes the difference (delta.ts), so
 * every aggregate is the sum of its entities' current contributions, whatever the order.
 *
 * Additive figures are integers (`add`) or money (`money`, bigint so sums stay exact); registers
 * that only move one way (a campaign's first event time, a scope's newest active minute, a send
 * tuple's spelling) are written as idempotent operations from the state after the batch.
 */

export type Scope =
  | { kind: 'c'; tenant: string; id: string }
  | { kind: 's'; tenant: string; id: string }
  | { kind: 't'; tenant: string };

const S1 = '\u0001';

export function scopeId(s: Scope): string {
  return s.kind === 't' ? `t${S1}${s.tenant}` : `${s.kind}${S1}${s.tenant}${S1}${s.id}`;
}

export function parseScopeId(id: string): Scope {
  const [kind, tenant = '', rest = ''] = id.split(S1);
  if (kind === 't') return { kind: 't', tenant };
  return { kind: kind === 's' ? 's' : 'c', tenant, id: rest };
}

export interface CampaignMeta {
  firstAt: number;
  channel: string;
}

/** scope → key → field → value. */
export type Cells<T> = Map<string, Map<string, Map<string, T>>>;

function cell<T>(cells: Cells<T>, scope: string, key: string): Map<string, T> {
  let byKey = cells.get(scope);
  if (!byKey) cells.set(scope, (byKey = new Map<string, Map<string, T>>()));
  let fields = byKey.get(key);
  if (!fields) byKey.set(key, (fields = new Map<string, T>()));
  return fields;
}

export function getCell<T>(cells: Cells<T>, scope: string, key: string, field: string): T | undefined {
  return cells.get(scope)?.get(key)?.get(field);
}

export function* eachCell<T>(cells: Cells<T>): Generator<[string, string, string, T]> {
  for (const [scope, byKey] of cells)
    for (const [key, fields] of byKey) for (const [field, v] of fields) yield [scope, key, field, v];
}

/**
 * Where counting writes. A Contribution keeps what one entity adds (tests, whole-entity counts);
 * a batch counts straight into its BatchDelta instead (`BatchDelta.sink`): an entity's "before"
 * with sign −1, its "after" with +1 and the registers, which is the same sum as diffing the two.
 */
export interface CountSink {
  add(scope: string, key: string, field: string, n?: number): void;
  /** Money in ten-thousandths (bigint where it may pass 2^53: squares of revenue). */
  addMoney(scope: string, key: string, field: string, units: number | bigint): void;
  seen(scope: string, t: number, channel: string): void;
  activeAt(scope: string, minute: number): void;
  tuple(scope: string, id: string, tuple: string): void;
}

/** The earlier of two (first event time, channel) registers, ties by channel. */
export function earlierMeta(cur: CampaignMeta | undefined, t: number, channel: string): boolean {
  return !cur || t < cur.firstAt || (t === cur.firstAt && channel < cur.channel);
}

export class Contribution implements CountSink {
  readonly ints: Cells<number> = new Map();
  readonly money: Cells<bigint> = new Map();
  /** Campaign scope id → earliest (t, channel) of what counts to it. */
  readonly firstAt = new Map<string, CampaignMeta>();
  /** Scope id (campaign or sender) → newest minute it has counts in. */
  readonly active = new Map<string, number>();
  /** Campaign scope id → tuple id → tuple. */
  readonly dims = new Map<string, Map<string, string>>();

  add(scope: string, key: string, field: string, n = 1): void {
    const f = cell(this.ints, scope, key);
    f.set(field, (f.get(field) ?? 0) + n);
  }

  addMoney(scope: string, key: string, field: string, units: number | bigint): void {
    const f = cell(this.money, scope, key);
    f.set(field, (f.get(field) ?? 0n) + BigInt(units));
  }

  seen(scope: string, t: number, channel: string): void {
    if (earlierMeta(this.firstAt.get(scope), t, channel)) this.firstAt.set(scope, { firstAt: t, channel });
  }

  activeAt(scope: string, minute: number): void {
    this.active.set(scope, Math.max(this.active.get(scope) ?? minute, minute));
  }

  tuple(scope: string, id: string, tuple: string): void {
    let m = this.dims.get(scope);
    if (!m) this.dims.set(scope, (m = new Map<string, string>()));
    m.set(id, tuple);
  }
}
