/**
 * At most `maxConcurrent` tasks at once; up to `maxQueue` more wait, each at most `maxWaitMs` for
 * a turn (first come, first served). A task that finds the queue full, or is still waiting at its
 * deadline, is refused with OverloadedError and never runs — so under overload an answer is fast
 * and explicit rather than slow and a timeout somewhere deeper. Per process: each replica bounds
 * its own load.
 */
export class OverloadedError extends Error {
  constructor(
    message: string,
    /** A hint for Retry-After. */
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'OverloadedError';
  }
}

export interface LimiterStats {
  active: number;
  queued: number;
}

export interface ConcurrencyLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  stats(): LimiterStats;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export function createConcurrencyLimiter(opts: {
  maxConcurrent: number;
  maxQueue: number;
  maxWaitMs: number;
  /** Called when a task is refused ('queue_full' | 'wait_timeout'). */
  onRefused?: (reason: 'queue_full' | 'wait_timeout') => void;
}): ConcurrencyLimiter {
  let active = 0;
  const queue: Waiter[] = [];

  const release = () => {
    active -= 1;
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start();
    }
  };

  const turn = () =>
    new Promise<void>((resolve, reject) => {
      if (active < opts.maxConcurrent) {
        active += 1;
        return resolve();
      }
      if (queue.length >= opts.maxQueue) {
        opts.onRefused?.('queue_full');
        return reject(new OverloadedError('too many heavy reads in progress', opts.maxWaitMs));
      }
      const waiter: Waiter = {
        start: () => {
          active += 1;
          resolve();
        },
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          opts.onRefused?.('wait_timeout');
          reject(new OverloadedError(`no turn for a heavy read within ${opts.maxWaitMs} ms`, opts.maxWaitMs));
        }, opts.maxWaitMs),
      };
      queue.push(waiter);
    });

  return {
    async run(task) {
      await turn();
      try {
        return await task();
      } finally {
        release();
      }
    },
    stats: () => ({ active, queued: queue.length }),
  };
}
