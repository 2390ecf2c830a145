/**
 * The answer of GET /v1/campaigns/:id/experiment (issue 21) and the holdout counts of /kpis:
 * the campaign's arms read from Redis (@tally/counters read-experiment.ts), compared by the pure
 * always-valid statistics of @tally/kpi (sequential.ts, experiment.ts).
 */
import { readExperiment, type ExperimentState, type RevenueMoments } from '@tally/counters';
import { AppError } from '@tally/http';
import {
  compareHoldout,
  compareVariants,
  controlVariant,
  DEFAULT_TUNE_AT,
  optOutGuardrails,
  ratio,
  type ExperimentMetric,
  type HoldoutArms,
  type MoneyMoments,
  type VariantArm,
} from '@tally/kpi';
import type { z } from 'zod';
import type { QueryApiDeps } from './deps.ts';
import type { experimentResponseSchema, holdoutCountsSchema } from './experiment-schemas.ts';
import { whole } from './read-guard.ts';

export const METHOD =
  'normal-mixture confidence sequence (Howard, Ramdas, McAuliffe & Sekhon, Ann. Statist. 2021) ' +
  'on the asymptotic CLT scale (Waudby-Smith et al., Ann. Statist. 2024): valid at every look';

type Experiment = z.infer<typeof experimentResponseSchema>;
type HoldoutCounts = z.infer<typeof holdoutCountsSchema>;

const UNIT = 10_000;

/** Exact units → currency amounts: sums in units, squares in units². */
function moments(r: RevenueMoments): MoneyMoments {
  const out: MoneyMoments = {};
  for (const [cur, m] of Object.entries(r))
    out[cur] = { sum: Number(m.sum) / UNIT, sumSq: Number(m.sumSq) / (UNIT * UNIT) };
  return out;
}

function addMoments(into: RevenueMoments, r: RevenueMoments): void {
  for (const [cur, m] of Object.entries(r)) {
    const t = (into[cur] ??= { sum: 0n, sumSq: 0n });
    t.sum += m.sum;
    t.sumSq += m.sumSq;
  }
}

function variantArms(state: ExperimentState): VariantArm[] {
  return [...state.variants]
    .filter(([name]) => name !== '')
    .map(([variant, v]) => ({
      variant,
      sent: v.counts.sent,
      delivered: v.counts.delivered,
      clicked: v.counts.clicked,
      converted: v.counts.converted,
      replied: v.counts.replied,
      optedOut: v.optedOut,
      revenue: moments(v.revenue),
    }))
    .sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
}

/** The messaged arm (every sent message of the campaign) and the held-out arm; undefined without holds. */
export function holdoutArms(state: ExperimentState): HoldoutArms | undefined {
  const h = state.holdout;
  if (h.heldOut + h.conflicts === 0) return undefined;
  const revenue: RevenueMoments = {};
  for (const v of state.variants.values()) addMoments(revenue, v.revenue);
  addMoments(revenue, state.untupled.revenue);
  return {
    messaged: { sent: state.counts.sent, converted: state.counts.converted, revenue: moments(revenue) },
    heldOut: {
      recipients: h.heldOut,
      converted: h.converted,
      conversions: h.conversions,
      revenue: moments(h.revenue),
    },
    conflicts: h.conflicts,
  };
}

export function holdoutCounts(arms: HoldoutArms): HoldoutCounts {
  const h = arms.heldOut;
  return {
    heldOut: h.recipients,
    conflicts: arms.conflicts,
    converted: h.converted,
    conversions: h.conversions,
    conversionRate: ratio(h.converted, h.recipients),
    revenue: Object.fromEntries(Object.entries(h.revenue).map(([cur, m]) => [cur, m.sum])),
  };
}

function variantView(v: VariantArm, control: string | undefined): Experiment['variants'][number] {
  return {
    variant: v.variant,
    control: v.variant === control,
    counts: {
      sent: v.sent,
      delivered: v.delivered,
      clicked: v.clicked,
      converted: v.converted,
      replied: v.replied,
      optedOut: v.optedOut,
    },
    rates: {
      deliveryRate: ratio(v.delivered, v.sent),
      ctr: ratio(v.clicked, v.delivered),
      conversionRate: ratio(v.converted, v.delivered),
      optOutRate: ratio(v.optedOut, v.delivered),
      replyRate: ratio(v.replied, v.delivered),
    },
    revenue: Object.fromEntries(
      Object.entries(v.revenue).map(([cur, m]) => [
        cur,
        { total: m.sum, perDelivered: ratio(m.sum, v.delivered) },
      ]),
    ),
  };
}

export interface ExperimentQuery {
  metric?: ExperimentMetric | undefined;
  level: number;
  effect: number;
  control?: string | undefined;
}

/** The experiment of a campaign, pure given what was read. */
export function experimentOf(
  campaignId: string,
  state: ExperimentState,
  q: ExperimentQuery,
  now: Date,
): Experiment {
  const o = { level: q.level, effect: q.effect, tuneAt: DEFAULT_TUNE_AT };
  const arms = variantArms(state);
  const control = controlVariant(
    arms.map((a) => a.variant),
    q.control,
  );
  const controlArm = arms.find((a) => a.variant === control);
  const comparisons = controlArm
    ? arms.filter((a) => a !== controlArm).flatMap((a) => compareVariants(controlArm, a, o, q.metric))
    : [];
  const guardrailSource =
    q.metric === undefined || q.metric === 'optOutRate'
      ? comparisons
      : controlArm
        ? arms.filter((a) => a !== controlArm).flatMap((a) => compareVariants(controlArm, a, o, 'optOutRate'))
        : [];
  const h = holdoutArms(state);
  let holdout: Experiment['holdout'] = null;
  if (h) {
    const cmp = compareHoldout(h, o, q.metric);
    holdout = {
      ...holdoutCounts(h),
      messaged: {
        sent: h.messaged.sent,
        converted: h.messaged.converted,
        conversionRate: ratio(h.messaged.converted, h.messaged.sent),
        revenue: Object.fromEntries(
          Object.entries(h.messaged.revenue).map(([cur, m]) => [
            cur,
            { total: m.sum, perRecipient: ratio(m.sum, h.messaged.sent) },
          ]),
        ),
      },
      revenuePerRecipient: Object.fromEntries(
        Object.entries(h.heldOut.revenue).map(([cur, m]) => [cur, ratio(m.sum, h.heldOut.recipients)]),
      ),
      comparisons: cmp.comparisons,
      incremental: cmp.incremental,
    };
  }
  const reason =
    arms.length >= 2 || h
      ? null
      : arms.length === 1
        ? 'one variant and no holdout: nothing to compare it with'
        : 'no variants and no holdout: sends name no variant and no recipient was held out';
  return {
    campaignId,
    level: q.level,
    metric: q.metric ?? null,
    effect: q.effect,
    method: METHOD,
    tuneAt: DEFAULT_TUNE_AT,
    control: control ?? null,
    variants: arms.map((a) => variantView(a, control)),
    unassigned: state.variants.get('')?.counts.sent ?? 0,
    comparisons,
    guardrails: optOutGuardrails(guardrailSource),
    holdout,
    reason,
    asOf: now.toISOString(),
  };
}

export async function experimentAnswer(
  deps: QueryApiDeps,
  tenant: string,
  campaignId: string,
  q: ExperimentQuery,
): Promise<Experiment> {
  const state = await whole(() => readExperiment(deps.redis, deps.keys, tenant, campaignId));
  if (!state) throw new AppError('not_found', `no campaign ${campaignId}`);
  return experimentOf(campaignId, state, q, new Date());
}

/** The holdout counts /kpis serves (lifetime, unfiltered): null when the campaign has no holdout. */
export async function kpiHoldout(deps: QueryApiDeps, tenant: string, campaignId: string) {
  const state = await whole(() => readExperiment(deps.redis, deps.keys, tenant, campaignId));
  const h = state && holdoutArms(state);
  return h ? holdoutCounts(h) : null;
}
