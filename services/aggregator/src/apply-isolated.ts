/**
 * Per-record outcomes (STYLE §5): a batch the state refuses is split in halves until the record
 * that cannot be applied is alone; that record goes to the dead-letter topic with the reason and
 * its offset is committed as done, so the records behind it move on. Only a dependency that is
 * unavailable (Redis or Postgres down, Redis busy or loading) makes the batch retry as a whole.
 */
import type { ApplyOutcome, InputRecord, PartitionApplier } from '@tally/counters';
import type { Logger } from '@tally/logging';

const TRANSIENT_REPLY = /^(BUSY|LOADING|OOM|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK|NOSCRIPT)\b/;

/** A fault of the record (or of our code on it), as opposed to a dependency that is unavailable. */
export function isRecordFault(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) return true;
  if (err instanceof Error && err.name === 'ReplyError') return !TRANSIENT_REPLY.test(err.message);
  return false;
}

export interface IsolationOptions {
  allowGap: boolean;
  /** The batch's offset range (its dead-lettered records are done too). */
  first?: number;
  last?: number;
  deadLetter(offset: number, reason: string, payload: string): Promise<void>;
  logger: Logger;
}

export async function applyIsolated(
  applier: PartitionApplier,
  records: InputRecord[],
  opts: IsolationOptions,
): Promise<ApplyOutcome> {
  try {
    return await applier.apply(records, {
      allowGap: opts.allowGap,
      ...(opts.first === undefined ? {} : { first: opts.first }),
      ...(opts.last === undefined ? {} : { last: opts.last }),
    });
  } catch (err) {
    if (!isRecordFault(err) || records.length === 0) throw err;
    const only = records.length === 1 ? records[0] : undefined;
    if (only) {
      const reason = `cannot apply: ${err instanceof Error ? err.message : String(err)}`;
      opts.logger.warn({ offset: only.offset, err }, 'record_refused');
      await opts.deadLetter(only.offset, reason, JSON.stringify(only.event ?? only.control));
      // Done: the partition moves past it (and past the rest of its range).
      return applier.apply([], {
        allowGap: opts.allowGap,
        first: only.offset,
        last: opts.last ?? only.offset,
      });
    }
    const mid = Math.ceil(records.length / 2);
    const split = records[mid]?.offset ?? 0;
    const first = await applyIsolated(applier, records.slice(0, mid), { ...opts, last: split - 1 });
    if (first.status !== 'ok') return first;
    const second = await applyIsolated(applier, records.slice(mid), {
      ...opts,
      first: split,
      allowGap: false,
    });
    if (second.status !== 'ok') return second;
    return {
      status: 'ok',
      skipped: first.skipped + second.skipped,
      applied: first.applied + second.applied,
      duplicate: first.duplicate + second.duplicate,
      late: first.late + second.late,
      forwarded: first.forwarded + second.forwarded,
    };
  }
}
