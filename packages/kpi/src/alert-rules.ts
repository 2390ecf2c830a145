/**
 * Alert rule configuration (SPEC §7) and its defaults. A tenant that configured nothing gets
 * exactly DEFAULT_ALERT_RULES; the query API returns them from GET /v1/alert-rules.
 */

export const RULE_TYPES = ['optOutSpike', 'deliveryDrop', 'failureSpike'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const SCOPE_KINDS = ['campaign', 'sender'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** What every rule has: where it applies, its rolling window, and how long a clear must last. */
export interface RuleCommon {
  enabled: boolean;
  /** Which scopes the rule watches: each campaign, each sender, or both. */
  scopes: ScopeKind[];
  /** Rolling window over which counts are taken, in minutes (minute resolution, SPEC §5). */
  windowMinutes: number;
  /** A firing alert resolves once its condition has stayed clear this long. */
  resolveAfterSeconds: number;
  /** On firing, also call the tenant's pause webhooks (auto-pause the campaign or sender). */
  autoPause: boolean;
}

export interface OptOutSpikeRule extends RuleCommon {
  /** No decision below this many deliveries in the window (small samples never fire). */
  minDelivered: number;
  /** …nor below this many opt-outs. */
  minOptOuts: number;
  /** Absolute mode: fire when the Wilson 95% lower bound of optOuts/delivered exceeds this. */
  absolute: boolean;
  threshold: number;
  /** Baseline mode: fire when that lower bound exceeds multiplier × the tenant's 7-day rate. */
  baseline: boolean;
  baselineMultiplier: number;
}

/**
 * Narrows a deliveryDrop or failureSpike to one failure class, carrier (MCC-MNC) or country
 * (issue 20). A rule with a filter measures that part of the scope's traffic and decides like
 * optOutSpike: it breaches on the Wilson 95 % bound crossing its limit, and is clear once the point
 * estimate is back on the right side.
 */
export interface RuleFilter {
  /** failureSpike only: the failures of this class (docs/providers.md Failure taxonomy). */
  failureClass?: string | undefined;
  carrier?: string | undefined;
  country?: string | undefined;
}

export interface DeliveryDropRule extends RuleCommon {
  filter?: RuleFilter | undefined;
  minSent: number;
  /** Fire when delivered/sent over the window is under this. */
  floor: number;
  /**
   * The window ends this many minutes ago: sends of the newest minutes have no receipts yet (they
   * arrive seconds to minutes later), so counting them would read every burst of sends as a drop.
   */
  receiptGraceMinutes: number;
}

export interface FailureSpikeRule extends RuleCommon {
  filter?: RuleFilter | undefined;
  minSent: number;
  /** Fire when one provider error code's share of sends over the window is above this. */
  threshold: number;
}

export interface AlertRules {
  optOutSpike: OptOutSpikeRule;
  deliveryDrop: DeliveryDropRule;
  failureSpike: FailureSpikeRule;
  /** While firing, notify again this often (default 4 h). */
  renotifyAfterSeconds: number;
}

export type AnyRule = OptOutSpikeRule | DeliveryDropRule | FailureSpikeRule;

/**
 * The defaults. optOutSpike is on for every campaign (SPEC §7): 15-minute window, at least 200
 * delivered and 3 opt-outs, Wilson lower bound above 2% (the upper end of normal opt-out rates),
 * resolved after 10 minutes under. deliveryDrop and failureSpike are opt-in.
 */
export const DEFAULT_ALERT_RULES: AlertRules = {
  optOutSpike: {
    enabled: true,
    scopes: ['campaign'],
    windowMinutes: 15,
    resolveAfterSeconds: 600,
    autoPause: false,
    minDelivered: 200,
    minOptOuts: 3,
    absolute: true,
    threshold: 0.02,
    baseline: false,
    baselineMultiplier: 3,
  },
  deliveryDrop: {
    enabled: false,
    scopes: ['campaign'],
    windowMinutes: 15,
    resolveAfterSeconds: 600,
    autoPause: false,
    minSent: 200,
    floor: 0.9,
    receiptGraceMinutes: 2,
  },
  failureSpike: {
    enabled: false,
    scopes: ['campaign'],
    windowMinutes: 15,
    resolveAfterSeconds: 600,
    autoPause: false,
    minSent: 200,
    threshold: 0.05,
  },
  renotifyAfterSeconds: 4 * 3600,
};
