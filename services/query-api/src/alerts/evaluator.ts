/**
 * One evaluation pass: for every active scope (and every scope with a firing alert) and every
 * rule, read the window counts, decide with the pure evaluateRule, and record what changed.
 * Runs only on the replica that holds the evaluator lease, and only while it holds it: before
 * every write the lease is checked on this replica's clock (a leader that notices it lost the
 * lease stops at once), and every write is fenced in Postgres by the lease's token (a leader
 * stalled between its check and its write is refused). The transactional transitions make a
 * pass that raced another one under the same token harmless anyway.
 */
import type { Pool } from '@tally/db';
import {
  evaluateRule,
  RULE_TYPES,
  type AlertNumbers,
  type AlertRules,
  type Decision,
  type RuleType,
  type WindowCounts,
} from '@tally/kpi';
import type { Logger } from '@tally/logging';
import { firingKey, loadFiring, tenantsWithFiring, type AlertRow } from './alerts-store.ts';
import { FencedError } from './fence.ts';
import type { Fence, Leader } from './leader.ts';
import { getAlertRules } from './rules-store.ts';
import { makeScope, scopeId, type ActiveScope, type AlertCountsSource, type AlertScope } from './source.ts';
import type { TransitionView } from './alerts-store.ts';
import { recordFire, recordProgress, recordRenotify, recordResolve } from './transitions.ts';

export interface TickResult {
  leader: boolean;
  transitions: TransitionView[];
  /** Why the pass stopped before its end: the lease ran out here, or a write was fenced. */
  abandoned?: 'lease_lost' | 'fenced';
}

/** The lease ended during a pass (on this replica's clock): the pass stops before its next write. */
class LeaseLostError extends Error {
  constructor(readonly fence: Fence) {
    super(`lease ${fence.lease} token ${String(fence.token)} ended during the evaluation`);
    this.name = 'LeaseLostError';
  }
}

export interface Evaluator {
  tick(now: Date): Promise<TickResult>;
}

/** Equal numbers regardless of key order (jsonb reorders keys). */
function sameNumbers(a: AlertNumbers, b: AlertNumbers): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

const scopeKey = (s: AlertScope) => JSON.stringify([s.kind, scopeId(s)]);

interface TenantPass {
  tenantId: string;
  rules: AlertRules;
  scopes: AlertScope[];
  firing: Map<string, AlertRow>;
  /** Returns the fence to write under, or throws LeaseLostError. */
  fence: () => Fence;
}

export function createEvaluator(d: {
  pool: Pool;
  source: AlertCountsSource;
  leader: Leader;
  logger: Logger;
}): Evaluator {
  const log = d.logger.child({ component: 'alert_evaluator' });

  async function apply(
    pass: TenantPass,
    type: RuleType,
    scope: AlertScope,
    prev: AlertRow | undefined,
    decision: Decision,
    now: Date,
  ): Promise<TransitionView | null> {
    const { tenantId, rules } = pass;
    switch (decision.action) {
      case 'fire':
        return recordFire(d.pool, pass.fence(), {
          tenantId,
          ruleType: type,
          scope,
          numbers: decision.numbers,
          at: now,
          autoPause: rules[type].autoPause,
        });
      case 'resolve':
        return prev
          ? recordResolve(d.pool, pass.fence(), { alertId: prev.id, numbers: decision.numbers, at: now })
          : null;
      case 'renotify':
        return prev
          ? recordRenotify(d.pool, pass.fence(), {
              alertId: prev.id,
              previousNotifiedAt: prev.last_notified_at,
              numbers: decision.numbers,
              at: now,
            })
          : null;
      case 'none': {
        // Write only what changed: the clear-since mark or the numbers shown by GET /v1/alerts.
        const changed =
          prev &&
          (prev.clear_since?.getTime() !== decision.clearSince?.getTime() ||
            !sameNumbers(prev.last_numbers, decision.numbers));
        if (prev && changed) {
          await recordProgress(d.pool, pass.fence(), {
            alertId: prev.id,
            clearSince: decision.clearSince,
            numbers: decision.numbers,
          });
        }
        return null;
      }
    }
  }

  /** Evaluates one tenant, adding what it recorded to `out` as it goes (a pass may stop midway). */
  async function evaluateTenant(pass: TenantPass, now: Date, out: TransitionView[]): Promise<void> {
    const counts = new Map<string, Promise<WindowCounts>>();
    const windowCounts = (scope: AlertScope, minutes: number, endsMinutesAgo: number) => {
      const key = JSON.stringify([scope.kind, scopeId(scope), minutes, endsMinutesAgo]);
      let p = counts.get(key);
      if (!p) {
        const end = new Date(now.getTime() - endsMinutesAgo * 60_000);
        counts.set(key, (p = d.source.windowCounts(pass.tenantId, scope, minutes, end)));
      }
      return p;
    };
    let baseline: Promise<number | null> | undefined;
    for (const scope of pass.scopes) {
      for (const type of RULE_TYPES) {
        const rule = pass.rules[type];
        const prev = pass.firing.get(firingKey(type, scope.kind, scopeId(scope)));
        // A disabled rule fires nothing new, but an alert it already raised still resolves.
        if (!prev && (!rule.enabled || !rule.scopes.includes(scope.kind))) continue;
        const c = await windowCounts(
          scope,
          rule.windowMinutes,
          type === 'deliveryDrop' ? pass.rules.deliveryDrop.receiptGraceMinutes : 0,
        );
        const needsBaseline = type === 'optOutSpike' && pass.rules.optOutSpike.baseline;
        if (needsBaseline) baseline ??= d.source.baselineOptOutRate(pass.tenantId, now);
        const decision = evaluateRule({
          type,
          rule,
          counts: c,
          baselineOptOutRate: needsBaseline && baseline ? await baseline : null,
          previous: prev
            ? { firedAt: prev.fired_at, lastNotifiedAt: prev.last_notified_at, clearSince: prev.clear_since }
            : null,
          renotifyAfterSeconds: pass.rules.renotifyAfterSeconds,
          now,
        });
        const t = await apply(pass, type, scope, prev, decision, now);
        if (t) {
          out.push(t);
          log.info(
            { tenant: pass.tenantId, alert_id: t.alert.id, kind: t.kind, rule: type, scope: t.alert.scope },
            'alert_transition',
          );
        }
      }
    }
  }

  /** The fence of this pass while it is still this replica's lease. */
  const fenceOf = (fence: Fence) => () => {
    if (d.leader.current()?.token !== fence.token) throw new LeaseLostError(fence);
    return fence;
  };

  async function passFor(tenantId: string, active: ActiveScope[], fence: () => Fence): Promise<TenantPass> {
    const [{ rules }, firingRows] = await Promise.all([
      getAlertRules(d.pool, tenantId),
      loadFiring(d.pool, tenantId),
    ]);
    const firing = new Map(firingRows.map((r) => [firingKey(r.rule_type, r.scope_kind, r.scope_id), r]));
    const scopes = new Map<string, AlertScope>();
    for (const a of active) if (a.tenantId === tenantId) scopes.set(scopeKey(a.scope), a.scope);
    for (const r of firingRows) {
      const s = makeScope(r.scope_kind, r.scope_id);
      scopes.set(scopeKey(s), s);
    }
    return { tenantId, rules, scopes: [...scopes.values()], firing, fence };
  }

  /** Ends the pass on a lost or fenced lease; logs and skips a tenant on anything else. */
  function abandonment(err: unknown, fence: Fence, tenantId: string): TickResult['abandoned'] {
    if (err instanceof LeaseLostError) {
      log.warn({ token: fence.token, tenant: tenantId }, 'alert_evaluation_abandoned');
      return 'lease_lost';
    }
    if (err instanceof FencedError) {
      log.warn(
        { token: fence.token, current_token: err.currentToken, tenant: tenantId },
        'alert_write_fenced',
      );
      d.leader.lost('fenced');
      return 'fenced';
    }
    log.error({ err, tenant: tenantId }, 'alert_tenant_evaluation_failed');
    return undefined;
  }

  return {
    async tick(now) {
      const fence = d.leader.current();
      if (!fence) return { leader: false, transitions: [] };
      const active = await d.source.listActiveScopes(undefined, now);
      const tenants = new Set([...active.map((a) => a.tenantId), ...(await tenantsWithFiring(d.pool))]);
      const transitions: TransitionView[] = [];
      for (const tenantId of tenants) {
        try {
          const pass = await passFor(tenantId, active, fenceOf(fence));
          await evaluateTenant(pass, now, transitions);
        } catch (err) {
          const abandoned = abandonment(err, fence, tenantId);
          if (abandoned) return { leader: false, transitions, abandoned };
        }
      }
      return { leader: true, transitions };
    },
  };
}
