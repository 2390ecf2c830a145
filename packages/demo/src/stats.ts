/** What a run did: requests by kind and answer, the events ingest accepted, latency, lag. */
import type { EventType } from '@tally/events';

export interface KindStats {
  requests: number;
  accepted: number;
  refused: number;
  errors: number;
}

export interface RunStats {
  startedAt: number;
  elapsedMs: number;
  requests: number;
  accepted: number;
  refused: number;
  errors: number;
  /** `events`, `mint`, `follow`, `handshake`, or a provider name for its webhooks. */
  byKind: Record<string, KindStats>;
  /** Provider retries among the requests (the same callback sent again). */
  retries: number;
  /** Canonical events ingest published for the accepted requests, by type (retries included). */
  events: Partial<Record<EventType, number>>;
  eventsTotal: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Longest a request started after it was due (the generator falling behind its schedule). */
  maxLagMs: number;
  /** Follows of links whose mint failed. */
  skippedFollows: number;
}

/** Latencies of the last `size` requests, for percentiles over a long run in bounded memory. */
export class LatencyRing {
  private readonly xs: Float64Array;
  private n = 0;
  private max = 0;

  constructor(size = 20_000) {
    this.xs = new Float64Array(size);
  }

  add(ms: number): void {
    this.xs[this.n++ % this.xs.length] = ms;
    if (ms > this.max) this.max = ms;
  }

  summary(): { p50: number; p99: number; max: number } {
    const filled = Array.from(this.xs.subarray(0, Math.min(this.n, this.xs.length))).sort((a, b) => a - b);
    const q = (p: number) => filled[Math.min(filled.length - 1, Math.floor(p * filled.length))] ?? 0;
    const r = (x: number) => Math.round(x * 10) / 10;
    return { p50: r(q(0.5)), p99: r(q(0.99)), max: r(this.max) };
  }
}

export function emptyStats(startedAt: number): RunStats {
  return {
    startedAt,
    elapsedMs: 0,
    requests: 0,
    accepted: 0,
    refused: 0,
    errors: 0,
    byKind: {},
    retries: 0,
    events: {},
    eventsTotal: 0,
    latencyMs: { p50: 0, p99: 0, max: 0 },
    maxLagMs: 0,
    skippedFollows: 0,
  };
}
