/**
 * The serialized answers of the hot campaign reads (/kpis, /breakdown), kept for `ttlMs` after
 * their Redis read began: bounded well under the second within which SPEC §6 promises fresh numbers.
 * An identical read arriving while one is in flight waits for it rather than reading again, so with
 * `ttlMs` = 0 only concurrent reads are shared. Every answer says when it was read (`asOf`) and, for
 * /kpis, how far behind the aggregation was at that time (`freshnessMs`), so a reused answer is as
 * truthful as a new one. Failed reads (404, 503 rebuilding, Redis errors) are never kept.
 */
export interface AnswerCache {
  /** The answer under `key`: a kept one younger than `ttlMs`, the one in flight, or `read()`'s. */
  get(key: string, read: () => Promise<string>): Promise<string>;
}

interface Entry {
  /** When its read began (ms, monotonic). */
  at: number;
  settled: boolean;
  value: Promise<string>;
}

export function createAnswerCache(opts: {
  ttlMs: number;
  /** Beyond this many keys the expired ones are dropped, and if none has, all of them. */
  maxEntries?: number;
  clock?: () => number;
}): AnswerCache {
  const maxEntries = opts.maxEntries ?? 1000;
  const clock = opts.clock ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  const expired = (e: Entry, now: number) => e.settled && now - e.at >= opts.ttlMs;
  const forget = (key: string, e: Entry) => {
    if (entries.get(key) === e) entries.delete(key);
  };
  return {
    get(key, read) {
      const now = clock();
      const hit = entries.get(key);
      if (hit && !expired(hit, now)) return hit.value;
      if (entries.size >= maxEntries) {
        for (const [k, e] of entries) if (expired(e, now)) entries.delete(k);
        if (entries.size >= maxEntries) entries.clear();
      }
      let value: Promise<string>;
      try {
        value = read();
      } catch (err) {
        value = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      const entry: Entry = { at: now, settled: false, value };
      entries.set(key, entry);
      entry.value.then(
        () => {
          entry.settled = true;
          if (opts.ttlMs === 0) forget(key, entry);
        },
        () => forget(key, entry),
      );
      return entry.value;
    },
  };
}
