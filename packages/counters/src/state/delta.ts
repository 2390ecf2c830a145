/**
 * The difference of two contributions, summed over a batch and grouped by scope: what one batch
 * adds to each campaign, sender and tenant. Integer cells and money cells are summed exactly
 * (money as bigint); registers (first event time, newest active minute, tuple spellings) are
 * carried from the "after" side, since writing them is idempotent.
 */
import {
  earlierMeta,
  eachCell,
  getCell,
  type CampaignMeta,
  type Contribution,
  type CountSink,
} from './contribution.ts';

export interface ScopeDelta {
  /** key → field → n (non-zero). */
  ints: Map<string, Map<string, number>>;
  money: Map<string, Map<string, bigint>>;
  firstAt?: CampaignMeta;
  active?: number;
  dims?: Map<string, string>;
}

export class BatchDelta {
  readonly scopes = new Map<string, ScopeDelta>();
  /** Counting straight into the delta: an entity's after (+1, with its registers) or before (−1). */
  readonly plus: CountSink = {
    add: (scope, key, field, n = 1) => this.addInt(scope, key, field, n),
    addMoney: (scope, key, field, units) => this.addMoney(scope, key, field, BigInt(units)),
    seen: (scope, t, channel) => {
      const s = this.scope(scope);
      if (earlierMeta(s.firstAt, t, channel)) s.firstAt = { firstAt: t, channel };
    },
    activeAt: (scope, minute) => {
      const s = this.scope(scope);
      s.active = Math.max(s.active ?? minute, minute);
    },
    tuple: (scope, id, tuple) => {
      const s = this.scope(scope);
      (s.dims ??= new Map()).set(id, tuple);
    },
  };
  /** Registers only ever move one way and are written from the after side: a before skips them. */
  readonly minus: CountSink = {
    add: (scope, key, field, n = 1) => this.addInt(scope, key, field, -n),
    addMoney: (scope, key, field, units) => this.addMoney(scope, key, field, -BigInt(units)),
    seen: () => undefined,
    activeAt: () => undefined,
    tuple: () => undefined,
  };

  private scope(id: string): ScopeDelta {
    let s = this.scopes.get(id);
    if (!s) this.scopes.set(id, (s = { ints: new Map(), money: new Map() }));
    return s;
  }

  private addInt(scope: string, key: string, field: string, n: number): void {
    if (n === 0) return;
    const s = this.scope(scope);
    let k = s.ints.get(key);
    if (!k) s.ints.set(key, (k = new Map<string, number>()));
    const v = (k.get(field) ?? 0) + n;
    if (v === 0) k.delete(field);
    else k.set(field, v);
  }

  private addMoney(scope: string, key: string, field: string, n: bigint): void {
    if (n === 0n) return;
    const s = this.scope(scope);
    let k = s.money.get(key);
    if (!k) s.money.set(key, (k = new Map<string, bigint>()));
    const v = (k.get(field) ?? 0n) + n;
    if (v === 0n) k.delete(field);
    else k.set(field, v);
  }

  /** Adds after − before. */
  diff(before: Contribution | undefined, after: Contribution | undefined): void {
    if (after)
      for (const [sc, k, f, n] of eachCell(after.ints))
        this.addInt(sc, k, f, n - (before ? (getCell(before.ints, sc, k, f) ?? 0) : 0));
    if (before)
      for (const [sc, k, f, n] of eachCell(before.ints))
        if (!after || getCell(after.ints, sc, k, f) === undefined) this.addInt(sc, k, f, -n);
    if (after)
      for (const [sc, k, f, n] of eachCell(after.money))
        this.addMoney(sc, k, f, n - (before ? (getCell(before.money, sc, k, f) ?? 0n) : 0n));
    if (before)
      for (const [sc, k, f, n] of eachCell(before.money))
        if (!after || getCell(after.money, sc, k, f) === undefined) this.addMoney(sc, k, f, -n);
    if (after) this.registers(after);
  }

  /** Adds a contribution's registers only (first event times, active minutes, tuples). */
  registers(after: Contribution): void {
    for (const [scope, meta] of after.firstAt) {
      const s = this.scope(scope);
      if (earlierMeta(s.firstAt, meta.firstAt, meta.channel)) s.firstAt = meta;
    }
    for (const [scope, m] of after.active) {
      const s = this.scope(scope);
      s.active = Math.max(s.active ?? m, m);
    }
    for (const [scope, dims] of after.dims) {
      const s = this.scope(scope);
      s.dims ??= new Map();
      for (const [id, tuple] of dims) s.dims.set(id, tuple);
    }
  }

  /** Adds n to one cell directly (late events, which belong to no entity). */
  addCell(scope: string, key: string, field: string, n: number): void {
    this.addInt(scope, key, field, n);
  }

  isEmpty(): boolean {
    return this.scopes.size === 0;
  }
}
