/**
 * @tally/model — the independent reference model of every KPI (docs/semantics.md) and the
 * fast-check event sets the aggregator's property tests compare it on. See model.ts for the
 * output shape and arbitraries.ts for the generators.
 */
export * from './types.ts';
export { computeAudience, computeModel, explainModel, streamTime, windowsFor } from './model.ts';
export { frequencyAnswer, silentAnswer, valueAnswer } from './audience.ts';
export type { AudienceRecipient, SilentAnswer } from './audience.ts';
export { arbEventSet, seededRandom, shuffle, SPAN_MS, stripArrival, withDuplicates } from './arbitraries.ts';
export type { EventSet, EventSetOptions } from './arbitraries.ts';
export { lifetimeFields, TIMED_STATS, windowFields } from './windows.ts';
export { DAY, eventBuilder, HOUR, MINUTE } from './builders.ts';
export type { EventBuilder, EventFields } from './builders.ts';
