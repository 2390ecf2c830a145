import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter, OverloadedError } from './concurrency-limiter.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('createConcurrencyLimiter', () => {
  it('runs at most maxConcurrent at once and the waiting ones in order', async () => {
    const l = createConcurrencyLimiter({ maxConcurrent: 2, maxQueue: 10, maxWaitMs: 5000 });
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        l.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          order.push(i);
          await sleep(10);
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(l.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('refuses at once when the queue is full, and after maxWaitMs when no turn came', async () => {
    const refused: string[] = [];
    const l = createConcurrencyLimiter({
      maxConcurrent: 1,
      maxQueue: 1,
      maxWaitMs: 50,
      onRefused: (r) => refused.push(r),
    });
    const g = gate();
    const holder = l.run(() => g.opened);
    const waiting = l.run(() => Promise.resolve('ran'));
    const started = Date.now();
    await expect(l.run(() => Promise.resolve('ran'))).rejects.toThrow(OverloadedError);
    expect(Date.now() - started).toBeLessThan(20);
    expect(l.stats()).toEqual({ active: 1, queued: 1 });
    await expect(waiting).rejects.toMatchObject({ name: 'OverloadedError', retryAfterMs: 50 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(refused).toEqual(['queue_full', 'wait_timeout']);
    g.open();
    await holder;
    expect(await l.run(() => Promise.resolve('ran'))).toBe('ran');
    expect(l.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('frees the turn of a task that failed', async () => {
    const l = createConcurrencyLimiter({ maxConcurrent: 1, maxQueue: 0, maxWaitMs: 10 });
    await expect(l.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await l.run(() => Promise.resolve(1))).toBe(1);
  });
});
