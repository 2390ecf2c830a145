/**
 * A batch's deltas as scope writes: per scope (campaign, sender, tenant), the keys and the ops of
 * SCOPE_WRITE_LUA. Registers become idempotent ops of the scope that holds them: a campaign's
 * first event goes to its `meta` and to the tenant's `campaigns`, an active minute to the tenant's
 * `active` index. Minute buckets get their expiry. Money is split into whole 10^15 (added to its
 * `:hi` carry field directly) and a rest of at most 10^15 (the script's `m` op), so the script's
 * carry stays exact and a delta of any size is two ops (squares of revenue reach 10^26).
 */
import { parseScopeId, scopeId, type Scope } from '../state/contribution.ts';
import type { BatchDelta, ScopeDelta } from '../state/delta.ts';
import type { RedisKeys } from '../keys.ts';

export interface ScopeWrite {
  /** The scope's key prefix (its hash tag), for logs and the dirty-scope list. */
  tag: string;
  keys: string[];
  args: string[];
}

const STEP = 10n ** 15n;
const ACTIVE_KEEP_MINUTES = 2880;

class Ops {
  readonly keys: string[];
  readonly args: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(
    readonly tag: string,
    fence: string,
    touched: string,
  ) {
    this.keys = [fence, touched];
  }
  op(op: string, key: string, a: string | number, b: string | number = ''): void {
    let i = this.index.get(key);
    if (i === undefined) {
      this.keys.push(key);
      i = this.keys.length;
      this.index.set(key, i);
    }
    this.args.push(op, String(i), String(a), String(b));
  }
}

function minuteExpiry(key: string, minuteTtlSeconds: number): number | undefined {
  const m = /:(?:w|we|wt|wd):(\d+)$/.exec(key);
  return m ? (Number(m[1]) + 1) * 60 + minuteTtlSeconds : undefined;
}

/** n = hi × 10^15 + rest with |rest| < 10^15 (bigint division truncates toward zero). */
export function moneySplit(n: bigint): { hi: bigint; rest: bigint } {
  const hi = n / STEP;
  return { hi, rest: n - hi * STEP };
}

export function scopeWrites(delta: BatchDelta, keys: RedisKeys, minuteTtlSeconds: number): ScopeWrite[] {
  const byScope = new Map<string, Ops>();
  const ops = (scope: Scope): Ops => {
    const id = scopeId(scope);
    let o = byScope.get(id);
    if (!o) {
      const tag = keys.scopeTag(scope);
      byScope.set(id, (o = new Ops(tag, keys.fence(tag), keys.touched(tag))));
    }
    return o;
  };
  for (const [id, d] of delta.scopes) addScope(parseScopeId(id), d, ops, keys, minuteTtlSeconds);
  return [...byScope.values()]
    .filter((o) => o.args.length > 0)
    .map((o) => ({ tag: o.tag, keys: o.keys, args: o.args }));
}

function addScope(
  scope: Scope,
  d: ScopeDelta,
  ops: (s: Scope) => Ops,
  keys: RedisKeys,
  minuteTtlSeconds: number,
): void {
  const o = ops(scope);
  const tag = keys.scopeTag(scope);
  const expiring = new Set<string>();
  for (const [suffix, fields] of d.ints)
    for (const [field, n] of fields) {
      o.op('i', `${tag}:${suffix}`, field, n);
      expiring.add(`${tag}:${suffix}`);
    }
  for (const [suffix, fields] of d.money)
    for (const [field, n] of fields) {
      const { hi, rest } = moneySplit(n);
      if (hi !== 0n) o.op('i', `${tag}:${suffix}`, `${field}:hi`, hi.toString());
      o.op('m', `${tag}:${suffix}`, field, rest.toString());
      expiring.add(`${tag}:${suffix}`);
    }
  for (const key of expiring) {
    const at = minuteExpiry(key, minuteTtlSeconds);
    if (at !== undefined) o.op('x', key, at);
  }
  if (d.dims) for (const [id, tuple] of d.dims) o.op('h', `${tag}:dims`, `s:${id}`, tuple);
  if (scope.kind === 't') return;
  const tenant = ops({ kind: 't', tenant: scope.tenant });
  const member = `${scope.kind}:${scope.id}`;
  if (d.firstAt && scope.kind === 'c') {
    o.op('f', `${tag}:meta`, d.firstAt.firstAt, d.firstAt.channel);
    tenant.op('zl', keys.campaigns(scope.tenant), d.firstAt.firstAt, scope.id);
  }
  if (d.active !== undefined) {
    tenant.op('zg', keys.active(scope.tenant), d.active, member);
    tenant.op('zt', keys.active(scope.tenant), d.active - ACTIVE_KEEP_MINUTES);
  }
}
