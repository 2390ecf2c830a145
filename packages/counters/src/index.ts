export * from './keys.ts';
export * from './read.ts';
export * from './scope-windows.ts';
export * from './read-tuples.ts';
export { BIT, OWN_BITS, ATTACHED_BITS, effectiveBits } from './state/bits.ts';
export { DEFAULT_TENANT_WINDOWS, FUTURE_SKEW_MS, type TenantWindows } from './state/event.ts';
export { PartitionApplier, type ApplierDeps, type ApplyOutcome } from './partition/applier.ts';
export type { InputRecord } from './partition/batch.ts';
