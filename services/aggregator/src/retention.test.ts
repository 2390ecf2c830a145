import { describe, expect, it } from 'vitest';
import { retentionProblem } from './retention.ts';

const rule = { topic: 'tally.events.v1', snapshotIntervalMs: 5000, marginMs: 3_600_000 };
const kept = (retentionMs: number | null, cleanupPolicy = ['delete']) => ({
  retentionMs,
  retentionBytes: null,
  cleanupPolicy,
});

describe('retentionProblem', () => {
  it('accepts a retention of at least the snapshot interval plus the margin, and an unbounded one', () => {
    expect(retentionProblem(kept(3_605_000), rule)).toBeUndefined();
    expect(retentionProblem(kept(7 * 86_400_000), rule)).toBeUndefined();
    expect(retentionProblem(kept(null), rule)).toBeUndefined();
  });

  it('refuses a shorter one, naming the numbers and the fix', () => {
    const problem = retentionProblem(kept(3_604_999), rule);
    expect(problem).toContain('keeps records 3604999 ms (retention.ms)');
    expect(problem).toContain('5000 + 3600000 = 3605000 ms');
    expect(problem).toContain('--entity-name tally.events.v1');
  });

  it('refuses compaction, alone or beside deletion', () => {
    expect(retentionProblem(kept(null, ['compact']), rule)).toContain('cleanup.policy=compact');
    expect(retentionProblem(kept(null, ['delete', 'compact']), rule)).toContain(
      'cleanup.policy=delete,compact',
    );
  });
});
