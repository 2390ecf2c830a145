/**
 * Where alert evaluation reads its numbers: rolling-window counts per campaign or sender. The
 * evaluator depends only on this interface; the Redis per-minute buckets of the aggregator are one
 * implementation (wired in deps.ts), and tests and the latency benchmark feed it directly.
 */
import type { ScopeKind, WindowCounts } from '@tally/kpi';

export type AlertScope = { kind: 'campaign'; campaignId: string } | { kind: 'sender'; sender: string };

export interface ActiveScope {
  tenantId: string;
  scope: AlertScope;
}

export interface AlertCountsSource {
  /** Counts of first occurrences in (now − windowMinutes, now], by event time at minute resolution. */
  windowCounts(tenantId: string, scope: AlertScope, windowMinutes: number, now: Date): Promise<WindowCounts>;
  /** Scopes with traffic recently enough to matter (all tenants when tenantId is undefined). */
  listActiveScopes(tenantId: string | undefined, now: Date): Promise<ActiveScope[]>;
  /** The tenant's opt-outs / delivered over the trailing 7 days; null when unknown. */
  baselineOptOutRate(tenantId: string, now: Date): Promise<number | null>;
}

export function scopeKind(scope: AlertScope): ScopeKind {
  return scope.kind;
}

export function scopeId(scope: AlertScope): string {
  return scope.kind === 'campaign' ? scope.campaignId : scope.sender;
}

export function makeScope(kind: ScopeKind, id: string): AlertScope {
  return kind === 'campaign' ? { kind, campaignId: id } : { kind, sender: id };
}
