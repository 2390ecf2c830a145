/**
 * A scenario unrolled in time: a pure function of (scenario, seed, start, rate). `take(t)` runs
 * the sends up to `t` — each send schedules its whole future (receipts, clicks, replies, …) — and
 * returns every action due by `t`, in time order. The same inputs give the same actions, always.
 */
import type { Action } from './actions.ts';
import { MinHeap } from './heap.ts';
import { sendTwilio } from './lifecycle/twilio.ts';
import { sendWhatsapp } from './lifecycle/whatsapp.ts';
import { sendVonage } from './lifecycle/vonage.ts';
import { sendInfobip } from './lifecycle/infobip.ts';
import { sendInApp, sendPush } from './lifecycle/app.ts';
import type { SendContext } from './lifecycle/context.ts';
import { Audience } from './people.ts';
import type { CampaignPlan, Route } from './plans.ts';
import { Rng } from './rng.ts';
import type { Campaigns, Scenario } from './scenarios.ts';

export interface TimelineOptions {
  seed: string;
  /** Epoch ms of the first tick. */
  startMs: number;
  /** Sends per second shared by the plans without a rate of their own (by weight). */
  sendsPerSecond: number;
  /** No new sends after this long (ms); what is already scheduled still comes. */
  durationMs?: number | undefined;
  /** Spike period of the scenario's flash series, when it has one. */
  spikeEveryMs?: number | undefined;
  /** Pool addresses in the tenant's global control group: held out of every campaign. */
  globalControl?: ReadonlySet<string> | undefined;
}

const TICK_MS = 100;

type Sender = (ctx: SendContext, plan: CampaignPlan, at: number, seq: number) => void;
const SENDERS: Record<Route, Sender> = {
  twilio: sendTwilio,
  whatsapp: sendWhatsapp,
  vonage: sendVonage,
  infobip: sendInfobip,
  push: sendPush,
  in_app: sendInApp,
};

interface PlanState {
  ctx: SendContext;
  owed: number;
  sent: number;
  delivered: number;
}

interface Entry {
  at: number;
  seq: number;
  action: Action;
}

export class Timeline {
  readonly campaigns: Campaigns;
  private readonly heap = new MinHeap<Entry>();
  private readonly audience = new Audience();
  private readonly states = new Map<string, PlanState>();
  private readonly rng: Rng;
  private nextTick: number;
  private seq = 0;
  private refs = 0;
  /** Sends made so far, per campaign. */
  readonly sends = new Map<string, number>();

  constructor(
    readonly scenario: Scenario,
    readonly opts: TimelineOptions,
  ) {
    this.rng = new Rng(opts.seed);
    this.campaigns = scenario.campaigns({
      startMs: opts.startMs,
      seed: opts.seed,
      spikeEveryMs: opts.spikeEveryMs,
    });
    this.nextTick = opts.startMs;
  }

  /** True once no send is left to make and nothing is scheduled. */
  get done(): boolean {
    return this.heap.size === 0 && this.opts.durationMs !== undefined && this.nextTick >= this.endMs();
  }

  /** Every action due at or before `untilMs` (epoch), oldest first. */
  take(untilMs: number): Action[] {
    const end = this.endMs();
    while (this.nextTick <= untilMs && this.nextTick < end) {
      this.tick(this.nextTick);
      this.nextTick += TICK_MS;
    }
    const out: Action[] = [];
    for (let top = this.heap.peek(); top && top.at <= untilMs; top = this.heap.peek()) {
      this.heap.pop();
      out.push(top.action);
    }
    return out;
  }

  private endMs(): number {
    return this.opts.durationMs === undefined ? Infinity : this.opts.startMs + this.opts.durationMs;
  }

  private tick(t: number): void {
    const active = this.campaigns.activeAt(t);
    const weights = active.filter((p) => p.sendsPerSecond === undefined).reduce((s, p) => s + p.weight, 0);
    for (const plan of active) {
      const st = this.state(plan);
      const perSecond =
        plan.sendsPerSecond ?? (weights > 0 ? (this.opts.sendsPerSecond * plan.weight) / weights : 0);
      st.owed += (perSecond * TICK_MS) / 1000;
      const n = Math.floor(st.owed);
      st.owed -= n;
      for (let i = 0; i < n; i++) {
        SENDERS[plan.route](st.ctx, plan, t + Math.floor((i * TICK_MS) / n), st.sent++);
        this.sends.set(plan.id, st.sent);
      }
    }
  }

  private state(plan: CampaignPlan): PlanState {
    let st = this.states.get(plan.id);
    if (st) return st;
    const rng = this.rng.fork(plan.id);
    const created: PlanState = {
      owed: 0,
      sent: 0,
      delivered: 0,
      ctx: {
        rng,
        audience: this.audience,
        knobs: this.scenario.knobs,
        schedule: (action) => this.heap.push({ at: action.at, seq: this.seq++, action }),
        nextRef: () => `l${(this.refs++).toString(36)}`,
        countDelivered: () => ++created.delivered,
        globalControl: this.opts.globalControl,
      },
    };
    this.states.set(plan.id, (st = created));
    return st;
  }
}
