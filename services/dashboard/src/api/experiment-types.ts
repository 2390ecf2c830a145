/**
 * The experiment answers the dashboard reads (issue 21), by name: their shapes come from
 * query-api's route schemas (experiment-schemas.ts, global-control-answer.ts) through the
 * generated OpenAPI types, like every other answer (types.ts); the metric names from @tally/kpi.
 */
import type { Answer } from './types.ts';

export { EXPERIMENT_METRICS } from '@tally/kpi';
export type ExperimentAnswer = Answer<'/v1/campaigns/{id}/experiment'>;
export type VariantArm = ExperimentAnswer['variants'][number];
export type Comparison = ExperimentAnswer['comparisons'][number];
export type Interval = Comparison['difference'];
export type Holdout = NonNullable<ExperimentAnswer['holdout']>;
export type HoldoutCounts = Omit<Holdout, 'messaged' | 'revenuePerRecipient' | 'comparisons' | 'incremental'>;
export type GlobalControl = NonNullable<Answer<'/v1/value'>['globalControl']>;
