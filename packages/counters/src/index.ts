export * from './keys.ts';
export * from './read.ts';
export { RebuildingError, readWhole } from './whole-read.ts';
export * from './scope-windows.ts';
export * from './read-tuples.ts';
export { BIT, OWN_BITS, ATTACHED_BITS, effectiveBits } from './state/bits.ts';
export {
  backfillMs,
  DEFAULT_BACKFILL_MS,
  DEFAULT_TENANT_WINDOWS,
  FUTURE_SKEW_MS,
  isLate,
  keepHorizonMs,
  type TenantWindows,
} from './state/event.ts';
export { PartitionApplier, type ApplierDeps, type ApplyOutcome } from './partition/applier.ts';
export type { InputRecord } from './partition/batch.ts';
export * from './partition/cuts.ts';
export { markLost, markWhole, StateLostError, wholeEpoch } from './partition/epoch.ts';
export { decodeRecipient, decodeMessage, splitField } from './partition/codec.ts';
export { audienceFacts } from './state/audience.ts';
export * from './read-experiment.ts';
export * from './read-deliverability.ts';
