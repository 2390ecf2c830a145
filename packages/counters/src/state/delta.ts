/**
 * What one batch adds to each campaign, sender and tenant, grouped by scope: every touched
 * entity's contribution after the batch counted in with `plus`, its contribution before with
 * `minus`. Integer cells and money cells are summed exactly (money as bigint); registers (first
 * event time, newest active minute, tuple spellings) are carried from the "after" side only,
 * since writing them is idempotent.
 */
import { earlierMeta, type CampaignMeta, type CountSink } from './contribution.ts';

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

  /** Adds n to one cell directly (late events, which belong to no entity). */
  addCell(scope: string, key: string, field: string, n: number): void {
    this.addInt(scope, key, field, n);
  }

  isEmpty(): boolean {
    return this.scopes.size === 0;
  }
}
