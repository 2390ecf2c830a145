/**
 * At most `maxConcurrent` tasks at once, and at most `maxPerKey` of them for one key (a tenant):
 * no key can take every turn, so one tenant's heavy reads in a loop leave turns free for the
 * others (issue 22). Up to `maxQueue` more tasks of each key wait, each at most `maxWaitMs` for a
 * turn; a freed turn goes to the keys in rotation (round robin over the keys that have waiters and
 * are under their cap), first come, first served within a key. A task that finds its key's queue
 * full, or is still waiting at its deadline, is refused with OverloadedError and never runs — so
 * under overload an answer is fast and explicit rather than slow and a timeout somewhere deeper.
 * Per process: each replica bounds its own load.
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
  /** Runs `task` in its turn; `key` (default: one shared key) is whose turn it takes. */
  run<T>(task: () => Promise<T>, key?: string): Promise<T>;
  stats(): LimiterStats;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

const SHARED = '';

export function createConcurrencyLimiter(opts: {
  maxConcurrent: number;
  /** Turns one key may hold at once (default: all of them). */
  maxPerKey?: number;
  /** Tasks of one key waiting at most. */
  maxQueue: number;
  maxWaitMs: number;
  /** Called when a task is refused ('queue_full' | 'wait_timeout'). */
  onRefused?: (reason: 'queue_full' | 'wait_timeout') => void;
}): ConcurrencyLimiter {
  const perKey = Math.min(opts.maxPerKey ?? opts.maxConcurrent, opts.maxConcurrent);
  let active = 0;
  let queued = 0;
  const activeOf = new Map<string, number>();
  /** Waiters per key, in arrival order; a key is here only while it has waiters (insertion order = rotation). */
  const queues = new Map<string, Waiter[]>();

  const take = (key: string) => {
    active += 1;
    activeOf.set(key, (activeOf.get(key) ?? 0) + 1);
  };

  /** Gives free turns to waiting keys under their cap, in rotation. */
  const dispatch = () => {
    let progressed = true;
    while (active < opts.maxConcurrent && progressed) {
      progressed = false;
      for (const [key, q] of queues) {
        if (active >= opts.maxConcurrent) break;
        if ((activeOf.get(key) ?? 0) >= perKey) continue;
        const next = q.shift();
        if (!next) continue;
        queued -= 1;
        // rotation: a served key goes to the back of the line
        queues.delete(key);
        if (q.length > 0) queues.set(key, q);
        clearTimeout(next.timer);
        take(key);
        next.start();
        progressed = true;
      }
    }
  };

  const release = (key: string) => {
    active -= 1;
    const mine = (activeOf.get(key) ?? 1) - 1;
    if (mine === 0) activeOf.delete(key);
    else activeOf.set(key, mine);
    dispatch();
  };

  const turn = (key: string) =>
    new Promise<void>((resolve, reject) => {
      const q = queues.get(key);
      if (!q && active < opts.maxConcurrent && (activeOf.get(key) ?? 0) < perKey) {
        take(key);
        return resolve();
      }
      if ((q?.length ?? 0) >= opts.maxQueue) {
        opts.onRefused?.('queue_full');
        return reject(new OverloadedError('too many heavy reads in progress', opts.maxWaitMs));
      }
      const waiter: Waiter = {
        start: resolve,
        timer: setTimeout(() => {
          const mine = queues.get(key);
          if (mine) {
            mine.splice(mine.indexOf(waiter), 1);
            if (mine.length === 0) queues.delete(key);
          }
          queued -= 1;
          opts.onRefused?.('wait_timeout');
          reject(new OverloadedError(`no turn for a heavy read within ${opts.maxWaitMs} ms`, opts.maxWaitMs));
        }, opts.maxWaitMs),
      };
      if (q) q.push(waiter);
      else queues.set(key, [waiter]);
      queued += 1;
    });

  return {
    async run(task, key = SHARED) {
      await turn(key);
      try {
        return await task();
      } finally {
        release(key);
      }
    },
    stats: () => ({ active, queued }),
  };
}
