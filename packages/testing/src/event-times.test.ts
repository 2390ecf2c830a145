import { describe, expect, it, vi } from 'vitest';
import { agedEvents, beforeRun, guardEventTimes, MAX_EVENT_AGE_BEFORE_RUN_MS } from './event-times.ts';

const RUN = Date.parse('2026-12-06T23:00:00.000Z');
/** A publisher that keeps what it is given. */
function sink() {
  const published: unknown[] = [];
  return {
    published,
    publisher: {
      publish: (events: unknown[]) => {
        published.push(...events);
        return Promise.resolve();
      },
    },
  };
}
const at = (ms: number) => ({ eventId: `e${ms}`, type: 'sent', occurredAt: new Date(ms).toISOString() });

describe('event times a test may post', () => {
  it('refuses what lies more than a day before the run, and nothing else', () => {
    const edge = RUN - MAX_EVENT_AGE_BEFORE_RUN_MS;
    const events = [at(edge - 1), at(edge), at(RUN), at(RUN + 3_600_000)];
    expect(agedEvents(events, RUN).map((e) => e.occurredAt)).toEqual([new Date(edge - 1).toISOString()]);
  });

  it('fails a publish that carries a fixed date, naming it, and passes a relative one on', async () => {
    const { published, publisher } = sink();
    const guarded = guardEventTimes(publisher);
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(guarded.publish([at(Date.parse('2026-11-26T10:00:09.000Z'))])).rejects.toThrow(
        /dated more than 1 day\(s\) before the run started .* sent e\d+ at 2026-11-26T10:00:09\.000Z/,
      );
      expect(quiet).toHaveBeenCalledOnce();
    } finally {
      quiet.mockRestore();
    }
    expect(published).toEqual([]);
    await guarded.publish([at(beforeRun(30))]);
    expect(published).toHaveLength(1);
  });

  it('lets a test declare how far back its relative history reaches', async () => {
    const { published, publisher } = sink();
    const guarded = guardEventTimes(publisher, { maxAgeMs: 3 * MAX_EVENT_AGE_BEFORE_RUN_MS });
    await guarded.publish([at(beforeRun(2 * 24 * 60))]);
    expect(published).toHaveLength(1);
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(guarded.publish([at(beforeRun(4 * 24 * 60))])).rejects.toThrow(/more than 3 day\(s\)/);
    } finally {
      quiet.mockRestore();
    }
  });

  it('lets a test that says why post fixed dates', async () => {
    const { published, publisher } = sink();
    const guarded = guardEventTimes(publisher, { allowFixedDates: 'signed wire samples' });
    await guarded.publish([at(Date.parse('2020-01-01T00:00:00.000Z'))]);
    expect(published).toHaveLength(1);
  });

  it('starts a stream on a whole minute before the run', () => {
    const t = beforeRun(30);
    expect(t % 60_000).toBe(0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(29 * 60_000);
  });
});
