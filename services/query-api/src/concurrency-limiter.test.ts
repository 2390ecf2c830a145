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

  it('lets one key hold at most maxPerKey turns, so another key gets a free turn at once', async () => {
    const l = createConcurrencyLimiter({ maxConcurrent: 4, maxPerKey: 2, maxQueue: 100, maxWaitMs: 5000 });
    const g = gate();
    const started: string[] = [];
    // tenant a loops: 20 reads at once, all held open
    const a = Array.from({ length: 20 }, (_, i) =>
      l.run(async () => {
        started.push(`a${i}`);
        await g.opened;
      }, 'a'),
    );
    await sleep(5);
    expect(started).toEqual(['a0', 'a1']);
    expect(l.stats()).toEqual({ active: 2, queued: 18 });
    // b's read starts at once, ahead of a's 18 waiting
    expect(await l.run(() => Promise.resolve('b ran'), 'b')).toBe('b ran');
    expect(l.stats()).toEqual({ active: 2, queued: 18 });
    g.open();
    await Promise.all(a);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
    expect(l.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('gives freed turns to the waiting keys in rotation, in order within a key', async () => {
    const l = createConcurrencyLimiter({ maxConcurrent: 1, maxPerKey: 1, maxQueue: 10, maxWaitMs: 5000 });
    const g = gate();
    const order: string[] = [];
    const holder = l.run(() => g.opened, 'x');
    const tasks = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'].map((name) =>
      l.run(async () => {
        order.push(name);
        await sleep(1);
      }, name[0]),
    );
    expect(l.stats()).toEqual({ active: 1, queued: 6 });
    g.open();
    await Promise.all([holder, ...tasks]);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it("bounds each key's queue on its own: a full queue of one key refuses only that key", async () => {
    const refused: string[] = [];
    const l = createConcurrencyLimiter({
      maxConcurrent: 2,
      maxPerKey: 1,
      maxQueue: 1,
      maxWaitMs: 5000,
      onRefused: (r) => refused.push(r),
    });
    const g = gate();
    const a1 = l.run(() => g.opened, 'a');
    const a2 = l.run(() => Promise.resolve('a2'), 'a');
    await expect(l.run(() => Promise.resolve('a3'), 'a')).rejects.toThrow(OverloadedError);
    expect(refused).toEqual(['queue_full']);
    expect(await l.run(() => Promise.resolve('b1'), 'b')).toBe('b1');
    g.open();
    await a1;
    expect(await a2).toBe('a2');
  });

  it('forgets a waiter that timed out, and serves the next', async () => {
    const l = createConcurrencyLimiter({ maxConcurrent: 1, maxPerKey: 1, maxQueue: 5, maxWaitMs: 30 });
    const g = gate();
    const holder = l.run(() => g.opened, 'a');
    const late = l.run(() => Promise.resolve('late'), 'b');
    await expect(late).rejects.toThrow(OverloadedError);
    expect(l.stats()).toEqual({ active: 1, queued: 0 });
    const next = l.run(() => Promise.resolve('next'), 'b');
    g.open();
    await holder;
    expect(await next).toBe('next');
    expect(l.stats()).toEqual({ active: 0, queued: 0 });
  });
});
