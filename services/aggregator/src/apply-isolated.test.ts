import { describe, expect, it } from 'vitest';
import type { ApplyOutcome, InputRecord, PartitionApplier } from '@tally/counters';
import { createLogger } from '@tally/logging';
import { applyIsolated, isRecordFault } from './apply-isolated.ts';

const ok = (n: number): ApplyOutcome => ({
  status: 'ok',
  skipped: 0,
  applied: n,
  duplicate: 0,
  late: 0,
  forwarded: 0,
});

/** An applier whose state refuses any batch containing one of `poison` (as a script error would). */
function applierRefusing(poison: number[]) {
  const applied: number[] = [];
  const skipped: number[] = [];
  const a = {
    apply(records: InputRecord[], opts: { first?: number } = {}): Promise<ApplyOutcome> {
      if (records.length === 0 && opts.first !== undefined) {
        skipped.push(opts.first);
        return Promise.resolve(ok(0));
      }
      const bad = records.find((r) => poison.includes(r.offset));
      if (bad) {
        const err = new Error('ERR value is not an integer or out of range');
        err.name = 'ReplyError';
        return Promise.reject(err);
      }
      applied.push(...records.map((r) => r.offset));
      return Promise.resolve(ok(records.length));
    },
  };
  return { applier: a as unknown as PartitionApplier, applied, skipped };
}

const records = (n: number): InputRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    offset: i,
    timestamp: 0,
    event: {
      eventId: `e${i}`,
      tenantId: 't',
      type: 'sent',
      occurredAt: '2026-01-01T00:00:00.000Z',
      channel: 'sms',
    },
  }));

describe('per-record isolation', () => {
  it.each([[[0]], [[7]], [[19]], [[3, 4]], [[0, 10, 19]]])(
    'dead-letters exactly the refused records %j and applies every other one, in order',
    async (poison) => {
      const { applier, applied, skipped } = applierRefusing(poison);
      const letters: [number, string][] = [];
      const r = await applyIsolated(applier, records(20), {
        allowGap: false,
        logger: createLogger({ service: 'test', level: 'silent' }),
        deadLetter: (offset, reason) => {
          letters.push([offset, reason]);
          return Promise.resolve();
        },
      });
      expect(r.status).toBe('ok');
      expect(letters.map(([o]) => o)).toEqual(poison);
      expect(letters.every(([, reason]) => reason.includes('out of range'))).toBe(true);
      expect(skipped).toEqual(poison);
      expect(applied).toEqual(
        records(20)
          .map((x) => x.offset)
          .filter((o) => !poison.includes(o)),
      );
    },
  );

  it('retries the batch as a whole when a dependency is unavailable', async () => {
    const down = new Error('Connection is closed.');
    const applier = { apply: () => Promise.reject(down) } as unknown as PartitionApplier;
    await expect(
      applyIsolated(applier, records(3), {
        allowGap: false,
        logger: createLogger({ service: 'test', level: 'silent' }),
        deadLetter: () => Promise.resolve(),
      }),
    ).rejects.toBe(down);
  });

  it.each([
    ['a script error', Object.assign(new Error('ERR bad'), { name: 'ReplyError' }), true],
    ['a type error in our code', new TypeError('x is undefined'), true],
    [
      'Redis busy',
      Object.assign(new Error('BUSY Redis is busy running a script'), { name: 'ReplyError' }),
      false,
    ],
    ['Redis loading', Object.assign(new Error('LOADING Redis is loading'), { name: 'ReplyError' }), false],
    ['a lost connection', new Error('Connection is closed.'), false],
  ])('%s is a record fault: %s', (_, err, fault) => {
    expect(isRecordFault(err)).toBe(fault);
  });
});
