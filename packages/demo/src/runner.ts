/**
 * Plays a timeline against a running ingest in real time: every tick takes the actions due,
 * merges what real senders batch (a sender's events into one POST /v1/events, Infobip's reports
 * into one POST), builds the exact requests and sends them, at most `concurrency` at a time.
 * Tracked links are minted first and followed later by the code ingest returned.
 */
import { randomBytes } from 'node:crypto';
import type { Action, EventsAction, Expected, FollowAction, MintAction, WebhookAction } from './actions.ts';
import { createHttpClient, type HttpClient, type HttpResponse } from './http.ts';
import { emptyStats, LatencyRing, type RunStats } from './stats.ts';
import type { Timeline } from './timeline.ts';
import {
  eventsRequest,
  followRequest,
  handshakeRequest,
  mergeInfobip,
  mintRequest,
  webhookRequest,
  type HttpRequest,
  type Target,
} from './wire.ts';

export interface RunOptions {
  ingestUrl: string;
  target: Target;
  /** Stop at this epoch ms (undefined: when the timeline is done or `signal` aborts). */
  stopAt?: number | undefined;
  concurrency?: number;
  /** Most events in one POST /v1/events. */
  maxBatch?: number;
  tickMs?: number;
  timeoutMs?: number;
  /** Start with WhatsApp's verification handshake (as when the webhook is configured). */
  handshake?: boolean;
  signal?: AbortSignal;
  /** A refused or failed request, rate-limited (the first few of each kind and status, then 1 in 100). */
  onProblem?: (message: string) => void;
}

interface Job {
  kind: string;
  req: HttpRequest;
  at: number;
  expect: Expected[];
  retry: boolean;
  ok: (status: number) => boolean;
  then?: (res: HttpResponse | undefined, ok: boolean) => void;
}

const is2xx = (s: number) => s >= 200 && s < 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Runner {
  readonly stats: RunStats;
  private readonly client: HttpClient;
  private readonly queue: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly codes = new Map<string, string>();
  private readonly minting = new Set<string>();
  private waiting: { action: FollowAction; until: number }[] = [];
  private readonly latency = new LatencyRing();
  private readonly problems = new Map<string, number>();
  private readonly concurrency: number;

  constructor(
    private readonly timeline: Timeline,
    private readonly opts: RunOptions,
  ) {
    this.concurrency = opts.concurrency ?? 32;
    this.client = createHttpClient(opts.ingestUrl, {
      maxSockets: this.concurrency,
      timeoutMs: opts.timeoutMs ?? 10_000,
    });
    this.stats = emptyStats(Date.now());
  }

  async run(): Promise<RunStats> {
    try {
      if (this.opts.handshake ?? true) await this.handshake();
      await this.loop();
      if (!this.opts.signal?.aborted) await this.drain();
      await Promise.all(this.inFlight);
    } finally {
      this.client.close();
    }
    return this.snapshot();
  }

  /** The stats so far (latency percentiles computed now). */
  snapshot(): RunStats {
    this.stats.elapsedMs = Date.now() - this.stats.startedAt;
    this.stats.latencyMs = this.latency.summary();
    return this.stats;
  }

  private async handshake(): Promise<void> {
    const challenge = randomBytes(8).toString('hex');
    let res: HttpResponse;
    try {
      res = await this.client.send(handshakeRequest(this.opts.target, challenge));
    } catch (err) {
      throw new Error(`ingest at ${this.opts.ingestUrl} did not answer: ${(err as Error).message}`);
    }
    this.count('handshake', false, res.status === 200 && res.body === challenge);
    if (res.status !== 200 || res.body !== challenge) {
      throw new Error(
        `WhatsApp verification handshake answered ${res.status} (${res.body.slice(0, 200)}): are the demo tenant's credentials seeded?`,
      );
    }
  }

  private async loop(): Promise<void> {
    const tick = this.opts.tickMs ?? 50;
    for (;;) {
      if (this.opts.signal?.aborted) return;
      const now = Date.now();
      if (this.opts.stopAt !== undefined && now >= this.opts.stopAt) return;
      this.dispatch(this.timeline.take(now), now);
      this.pump();
      if (this.timeline.done && this.idle()) return;
      await sleep(tick);
    }
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inFlight.size === 0 && this.waiting.length === 0;
  }

  /** Sends what is queued and waiting (bounded by the request timeout), without taking more actions. */
  private async drain(): Promise<void> {
    const deadline = Date.now() + (this.opts.timeoutMs ?? 10_000);
    while (!this.idle() && Date.now() < deadline) {
      this.dispatch([], Date.now());
      this.pump();
      await sleep(20);
    }
  }

  private dispatch(actions: Action[], now: number): void {
    const events: EventsAction[] = [];
    const infobip: WebhookAction[] = [];
    const follows: FollowAction[] = this.waiting.map((w) => w.action);
    const deadlines = new Map(this.waiting.map((w) => [w.action, w.until]));
    this.waiting = [];
    for (const a of actions) {
      if (a.kind === 'events') events.push(a);
      else if (a.kind === 'webhook' && a.provider === 'infobip') infobip.push(a);
      else if (a.kind === 'webhook') this.enqueue(a.provider, webhookRequest(a, this.opts.target), a);
      else if (a.kind === 'mint') this.mint(a);
      else follows.push(a);
    }
    this.batchEvents(events);
    for (const a of mergeInfobip(infobip)) this.enqueue('infobip', webhookRequest(a, this.opts.target), a);
    for (const f of follows) this.follow(f, deadlines.get(f) ?? now + 10_000, now);
  }

  private batchEvents(actions: EventsAction[]): void {
    const max = this.opts.maxBatch ?? 500;
    let batch: EventsAction | undefined;
    for (const a of actions) {
      if (batch && batch.events.length + a.events.length > max) {
        this.enqueue('events', eventsRequest(batch.events, this.opts.target), batch);
        batch = undefined;
      }
      batch = batch
        ? { ...batch, events: [...batch.events, ...a.events], expect: [...batch.expect, ...a.expect] }
        : a;
    }
    if (batch) this.enqueue('events', eventsRequest(batch.events, this.opts.target), batch);
  }

  private mint(a: MintAction): void {
    if (a.followed) this.minting.add(a.ref);
    this.enqueue('mint', mintRequest(a.link, this.opts.target), a, (res, ok) => {
      this.minting.delete(a.ref);
      if (!ok || !res || !a.followed) return;
      const code = (JSON.parse(res.body) as { code?: unknown }).code;
      if (typeof code === 'string') this.codes.set(a.ref, code);
    });
  }

  private follow(a: FollowAction, until: number, now: number): void {
    const code = this.codes.get(a.ref);
    if (code !== undefined) {
      if (!a.keep) this.codes.delete(a.ref);
      this.enqueue('follow', followRequest(code, a.agent), a, undefined, (s) => s === 302);
    } else if (this.minting.has(a.ref) && now < until) {
      this.waiting.push({ action: a, until });
    } else {
      this.stats.skippedFollows++;
    }
  }

  private enqueue(
    kind: string,
    req: HttpRequest,
    a: Action,
    then?: Job['then'],
    ok: (status: number) => boolean = is2xx,
  ): void {
    this.queue.push({
      kind,
      req,
      at: a.at,
      expect: a.expect,
      retry: a.retry === true,
      ok,
      ...(then ? { then } : {}),
    });
  }

  private pump(): void {
    // Stopped: what is queued is dropped, only what is in flight finishes.
    if (this.opts.signal?.aborted) this.queue.length = 0;
    while (this.inFlight.size < this.concurrency) {
      const job = this.queue.shift();
      if (!job) return;
      const p = this.execute(job).finally(() => {
        this.inFlight.delete(p);
        this.pump();
      });
      this.inFlight.add(p);
    }
  }

  private async execute(job: Job): Promise<void> {
    this.stats.maxLagMs = Math.max(this.stats.maxLagMs, Date.now() - job.at);
    if (job.retry) this.stats.retries++;
    let res: HttpResponse | undefined;
    try {
      res = await this.client.send(job.req);
    } catch (err) {
      this.count(job.kind, true, false);
      this.problem(
        `${job.kind}:error`,
        `${job.kind} ${job.req.method} ${job.req.path.split('?')[0] ?? ''}: ${(err as Error).message}`,
      );
      job.then?.(undefined, false);
      return;
    }
    this.latency.add(res.ms);
    const ok = job.ok(res.status);
    this.count(job.kind, false, ok);
    if (ok) {
      for (const e of job.expect) this.stats.events[e.type] = (this.stats.events[e.type] ?? 0) + 1;
      this.stats.eventsTotal += job.expect.length;
    } else {
      this.problem(
        `${job.kind}:${res.status}`,
        `${job.kind} answered ${res.status}: ${res.body.slice(0, 300)}`,
      );
    }
    job.then?.(res, ok);
  }

  private count(kind: string, error: boolean, ok: boolean): void {
    const k = (this.stats.byKind[kind] ??= { requests: 0, accepted: 0, refused: 0, errors: 0 });
    k.requests++;
    this.stats.requests++;
    if (error) {
      k.errors++;
      this.stats.errors++;
    } else if (ok) {
      k.accepted++;
      this.stats.accepted++;
    } else {
      k.refused++;
      this.stats.refused++;
    }
  }

  private problem(key: string, message: string): void {
    const n = (this.problems.get(key) ?? 0) + 1;
    this.problems.set(key, n);
    if (n <= 3 || n % 100 === 0) this.opts.onProblem?.(n > 3 ? `${message} (×${n})` : message);
  }
}
