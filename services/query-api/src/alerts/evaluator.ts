/**
 * One evaluation pass: for every active scope (and every scope with a firing alert) and every
 * rule, read the window counts, decide with the pure evaluateRule, and record what changed.
 * Runs only on the replica that holds the evaluator lock; the transactional transitions make a
 * pass that raced another one harmless anyway.
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
import { firingKey, loadFiring, tenantsWithFiring, updateFiring, type AlertRow } from './alerts-store.ts';
import type { Leader } from './leader.ts';
import { getAlertRules } from './rules-store.ts';
import { makeScope, scopeId, type AlertCountsSource, type AlertScope } from './source.ts';
import type { TransitionView } from './alerts-store.ts';
import { recordFire, recordRenotify, recordResolve } from './transitions.ts';

export interface TickResult {
  leader: boolean;
  transitions: TransitionView[];
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
        return recordFire(d.pool, {
          tenantId,
          ruleType: type,
          scope,
          numbers: decision.numbers,
          at: now,
          autoPause: rules[type].autoPause,
        });
      case 'resolve':
        return prev ? recordResolve(d.pool, { alertId: prev.id, numbers: decision.numbers, at: now }) : null;
      case 'renotify':
        return prev
          ? recordRenotify(d.pool, {
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
        if (prev && changed) await updateFiring(d.pool, prev.id, decision.clearSince, decision.numbers);
        return null;
      }
    }
  }

  async function evaluateTenant(pass: TenantPass, now: Date): Promise<TransitionView[]> {
    const out: TransitionView[] = [];
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
    return out;
  }

  return {
    async tick(now) {
      if (!(await d.leader.ensure())) return { leader: false, transitions: [] };
      const active = await d.source.listActiveScopes(undefined, now);
      const tenants = new Set([...active.map((a) => a.tenantId), ...(await tenantsWithFiring(d.pool))]);
      const transitions: TransitionView[] = [];
      for (const tenantId of tenants) {
        try {
          const [{ rules }, firingRows] = await Promise.all([
            getAlertRules(d.pool, tenantId),
            loadFiring(d.pool, tenantId),
          ]);
          const firing = new Map(
            firingRows.map((r) => [firingKey(r.rule_type, r.scope_kind, r.scope_id), r]),
          );
          const scopes = new Map<string, AlertScope>();
          for (const a of active) if (a.tenantId === tenantId) scopes.set(scopeKey(a.scope), a.scope);
          for (const r of firingRows) {
            const s = makeScope(r.scope_kind, r.scope_id);
            scopes.set(scopeKey(s), s);
          }
          const pass = { tenantId, rules, scopes: [...scopes.values()], firing };
          transitions.push(...(await evaluateTenant(pass, now)));
        } catch (err) {
          log.error({ err, tenant: tenantId }, 'alert_tenant_evaluation_failed');
        }
      }
      return { leader: true, transitions };
    },
  };
}
