/**
 * Keeps the figures on screen fresh while staying cheap for the API: each watched resource has at
 * most one request in flight and is re-read `intervalMs` after its previous answer, only while the
 * tab is visible and (when it has an element) while that element is on screen. A hidden tab sends
 * nothing; becoming visible re-reads what is stale at once. Intervals are long (30–60 s): what
 * moves with the campaigns is pushed by the figure stream (figures.ts), whose changes `nudge()`
 * the resources that follow them, so an idle tab costs a few requests a minute.
 */
import { ApiError } from '../api/client.ts';

export interface Resource<T> {
  load(signal: AbortSignal): Promise<T>;
  onData(data: T): void;
  onError(err: unknown): void;
  intervalMs: number;
  /** Re-read only while this element intersects the viewport (first read regardless). */
  element?: Element;
  /**
   * Re-read on `nudge()` (the figure stream said the campaign changed) when the last read is at
   * least this old; without it a nudge leaves the resource alone.
   */
  nudgeMs?: number;
}

interface Entry {
  resource: Resource<unknown>;
  timer: ReturnType<typeof setTimeout> | undefined;
  inFlight: AbortController | undefined;
  again: boolean;
  onScreen: boolean;
  lastAt: number;
  stopped: boolean;
  lastError: unknown;
}

export interface Live {
  watch<T>(resource: Resource<T>): { refresh(): void; stop(): void };
  /** Something changed: re-read what asked to follow changes (`nudgeMs`) and is on screen. */
  nudge(): void;
  stopAll(): void;
}

function visible(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}

export function createLive(): Live {
  const entries = new Set<Entry>();
  const observer =
    typeof IntersectionObserver === 'undefined'
      ? undefined
      : new IntersectionObserver((records) => {
          for (const r of records)
            for (const e of entries)
              if (e.resource.element === r.target) {
                e.onScreen = r.isIntersecting;
                if (e.onScreen && Date.now() - e.lastAt >= e.resource.intervalMs) run(e);
              }
        });

  function schedule(e: Entry, ms: number): void {
    clearTimeout(e.timer);
    if (e.stopped) return;
    e.timer = setTimeout(() => {
      if (visible() && e.onScreen) run(e);
    }, ms);
  }

  function run(e: Entry): void {
    if (e.stopped) return;
    if (e.inFlight) {
      e.again = true;
      return;
    }
    clearTimeout(e.timer);
    const abort = new AbortController();
    e.inFlight = abort;
    e.resource
      .load(abort.signal)
      .then(
        (data) => !e.stopped && e.resource.onData(data),
        (err: unknown) => {
          e.lastError = err;
          if (!e.stopped && !abort.signal.aborted) e.resource.onError(err);
        },
      )
      .finally(() => {
        e.inFlight = undefined;
        e.lastAt = Date.now();
        if (e.again) {
          e.again = false;
          run(e);
          return;
        }
        schedule(e, nextDelay(e));
      });
  }

  function nextDelay(e: Entry): number {
    const err = e.lastError;
    e.lastError = undefined;
    if (err instanceof ApiError && err.status === 429 && err.retryAfterS) return err.retryAfterS * 1000;
    return e.resource.intervalMs;
  }

  document.addEventListener('visibilitychange', () => {
    if (!visible()) return;
    for (const e of entries) if (e.onScreen && Date.now() - e.lastAt >= e.resource.intervalMs) run(e);
  });

  return {
    watch<T>(resource: Resource<T>) {
      const wrapped: Resource<unknown> = { ...resource, onData: (d) => resource.onData(d as T) };
      const e: Entry = {
        resource: wrapped,
        timer: undefined,
        inFlight: undefined,
        again: false,
        onScreen: true,
        lastAt: 0,
        stopped: false,
        lastError: undefined,
      };
      entries.add(e);
      if (resource.element && observer) observer.observe(resource.element);
      run(e);
      return {
        refresh: () => run(e),
        stop: () => {
          e.stopped = true;
          clearTimeout(e.timer);
          e.inFlight?.abort();
          entries.delete(e);
          if (resource.element) observer?.unobserve(resource.element);
        },
      };
    },
    nudge() {
      if (!visible()) return;
      for (const e of entries) {
        const ms = e.resource.nudgeMs;
        if (ms !== undefined && e.onScreen && Date.now() - e.lastAt >= ms) run(e);
      }
    },
    stopAll() {
      for (const e of [...entries]) {
        e.stopped = true;
        clearTimeout(e.timer);
        e.inFlight?.abort();
        if (e.resource.element) observer?.unobserve(e.resource.element);
      }
      entries.clear();
    },
  };
}
