/**
 * `globalControl` of GET /v1/value (issue 21): messaging's total incremental effect, measured
 * against the tenant's global control group (recipients held out of every campaign). Treated =
 * targeted recipients outside the group, control = those in it; per recipient the conversion rate
 * and the revenue, compared with the always-valid intervals of @tally/kpi, and the increments
 * (difference × treated recipients). Null while the tenant has no global control group.
 */
import { z } from 'zod';
import { getExperimentSettings } from '@tally/db';
import {
  compareSamples,
  DEFAULT_TUNE_AT,
  proportionSample,
  ratio,
  type Comparison,
  type SequentialInterval,
} from '@tally/kpi';
import type { QueryApiDeps } from './deps.ts';
import { comparisonSchema, intervalSchema } from './experiment-schemas.ts';
import { globalControlFromRollups, globalControlSides, type ControlSide } from './global-control-store.ts';

const sideSchema = z.object({
  recipients: z.number().int(),
  converting: z.number().int().describe('recipients with any conversion (attributed or not)'),
  conversions: z.number().int(),
  conversionRate: z.number().nullable(),
  revenuePerRecipient: z.record(z.string(), z.number().nullable()),
});

export const globalControlSchema = z.object({
  share: z.number(),
  level: z.number(),
  control: sideSchema.describe('targeted recipients in the global control group'),
  treated: sideSchema.describe('targeted recipients outside it'),
  comparisons: z.array(comparisonSchema),
  incrementalConversions: intervalSchema.nullable().describe('converting recipients messaging added'),
  incrementalRevenue: z.record(z.string(), intervalSchema).describe('revenue messaging added, per currency'),
});
type GlobalControl = z.infer<typeof globalControlSchema>;

const UNIT = 10_000;

function view(s: ControlSide): z.infer<typeof sideSchema> {
  return {
    recipients: s.recipients,
    converting: s.converting,
    conversions: s.conversions,
    conversionRate: ratio(s.converting, s.recipients),
    revenuePerRecipient: Object.fromEntries(
      Object.entries(s.revenue).map(([cur, m]) => [cur, ratio(Number(m.sum) / UNIT, s.recipients)]),
    ),
  };
}

function scaled(iv: SequentialInterval, k: number): SequentialInterval {
  return { estimate: iv.estimate * k, lower: iv.lower * k, upper: iv.upper * k };
}

export async function globalControlAnswer(
  deps: QueryApiDeps,
  tenant: string,
  channels: readonly string[],
): Promise<GlobalControl | null> {
  const settings = await getExperimentSettings(deps.pool, tenant);
  const { share, salt } = settings.globalControl;
  if (!(share > 0)) return null;
  const { control, treated } =
    (await globalControlFromRollups(
      deps.heavy.pool,
      tenant,
      share,
      channels.length === 1 ? (channels[0] ?? null) : null,
    )) ?? (await globalControlSides(deps.heavy.pool, tenant, salt, share, channels));
  const o = { level: settings.level, effect: 0.1, tuneAt: DEFAULT_TUNE_AT };
  const comparisons: Comparison[] = [];
  const incrementalRevenue: Record<string, SequentialInterval> = {};
  let incrementalConversions: SequentialInterval | null = null;
  const conv = compareSamples(
    'conversionRate',
    null,
    { arm: 'global control', sample: proportionSample(control.converting, control.recipients) },
    { arm: 'messaged', sample: proportionSample(treated.converting, treated.recipients) },
    o,
  );
  if (conv) {
    comparisons.push(conv);
    incrementalConversions = scaled(conv.difference, treated.recipients);
  }
  for (const cur of [...new Set([...Object.keys(control.revenue), ...Object.keys(treated.revenue)])].sort()) {
    const sample = (s: ControlSide) => ({
      n: s.recipients,
      sum: Number(s.revenue[cur]?.sum ?? 0n) / UNIT,
      sumSq: Number(s.revenue[cur]?.sumSq ?? 0n) / (UNIT * UNIT),
    });
    const cmp = compareSamples(
      'revenuePerRecipient',
      cur,
      { arm: 'global control', sample: sample(control) },
      { arm: 'messaged', sample: sample(treated) },
      o,
    );
    if (!cmp) continue;
    comparisons.push(cmp);
    incrementalRevenue[cur] = scaled(cmp.difference, treated.recipients);
  }
  return {
    share,
    level: settings.level,
    control: view(control),
    treated: view(treated),
    comparisons,
    incrementalConversions,
    incrementalRevenue,
  };
}
