/**
 * The scenarios: which campaigns run when, and how messy the providers are.
 *
 * - `demo` (./tally up): twelve short "previous" campaigns in the first 20 s (three per channel,
 *   so benchmarks have something to compare with), then six running campaigns — SMS through
 *   Twilio, Vonage and Infobip, WhatsApp, push, in-app — and every few minutes a flash SMS
 *   campaign to a fresh list whose first 30 s are an opt-out spike (every 10th delivery answers
 *   STOP) that fires `optOutSpike`, diluted by its later sends until the alert resolves.
 * - `receipts-heavy`: SMS and WhatsApp sends whose traffic is almost all provider receipts, with
 *   more retries and late receipts; no links, replies or conversions (webhook load).
 * - `optout-spike`: one steady SMS campaign and the flash series, spikes from the first seconds.
 */
import type { Knobs } from './lifecycle/context.ts';
import type { Country } from './people.ts';
import {
  AB,
  behaviour,
  scaled,
  SEGMENTS,
  STRONG_AB,
  type Behaviour,
  type CampaignPlan,
  type Route,
} from './plans.ts';
import { hash32 } from './rng.ts';

export interface Campaigns {
  /** The campaigns sending at `t` (epoch ms). */
  activeAt(t: number): CampaignPlan[];
  /** Every campaign that starts before `t`, flash campaigns included (for reports and tests). */
  startedBefore(t: number): CampaignPlan[];
}

export interface Scenario {
  name: string;
  description: string;
  knobs: Knobs;
  campaigns(o: { startMs: number; seed: string; spikeEveryMs?: number | undefined }): Campaigns;
}

const ALL: Country[] = ['US', 'GB', 'FR', 'DE', 'CH'];
const USD = (amount: number) => ({ amount, currency: 'USD' });
const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const SHOP = 'https://shop.example';

interface Shape {
  id: string;
  route: Route;
  senders: string[];
  countries: Country[];
  behaviour: Behaviour;
  weight?: number;
  price?: CampaignPlan['price'];
  linkUrl?: string;
  variants?: CampaignPlan['variants'];
  holdout?: CampaignPlan['holdout'];
}

const plan = (s: Shape, startMs: number, endMs: number): CampaignPlan => ({
  segments: SEGMENTS,
  variants: AB,
  weight: 1,
  ...s,
  startMs,
  endMs,
});

const SMS = behaviour({ delivery: 0.96, click: 0.12, convert: 0.25, reply: 0.04, optOut: 0.006 });
const WA = behaviour({
  delivery: 0.97,
  open: 0.75,
  click: 0.2,
  convert: 0.3,
  reply: 0.25,
  optOut: 0.005,
  survey: 0.6,
});
const PUSH = behaviour({ delivery: 0.9, open: 0.2, click: 0.35, convert: 0.2, uninstall: 0.03 });
const IN_APP = behaviour({ delivery: 0.97, open: 0.7, click: 0.15, convert: 0.1, adopt: 0.3 });

const HISTORY: Shape[] = [
  {
    id: 'sms_newsletter',
    route: 'twilio',
    senders: ['+15550100010'],
    countries: ['US'],
    behaviour: SMS,
    price: USD(0.0079),
    linkUrl: `${SHOP}/news`,
  },
  {
    id: 'wa_welcome',
    route: 'whatsapp',
    senders: ['15550000002'],
    countries: ALL,
    behaviour: WA,
    linkUrl: `${SHOP}/welcome`,
  },
  {
    id: 'push_digest',
    route: 'push',
    senders: ['com.tally.shop'],
    countries: ALL,
    behaviour: PUSH,
    linkUrl: `${SHOP}/digest`,
  },
  {
    id: 'inapp_tour',
    route: 'in_app',
    senders: ['com.tally.shop'],
    countries: ALL,
    behaviour: IN_APP,
    linkUrl: `${SHOP}/tour`,
  },
];

const RUNNING: Shape[] = [
  {
    id: 'spring_sale',
    route: 'twilio',
    senders: ['+15550100001', '+15550100002'],
    countries: ['US'],
    behaviour: SMS,
    weight: 3,
    price: USD(0.0079),
    linkUrl: `${SHOP}/spring`,
    // the experiment: two variants that truly differ (the Experiment panel's verdict)
    variants: STRONG_AB,
  },
  {
    id: 'eu_winter',
    route: 'vonage',
    senders: ['447700900990'],
    countries: ['GB', 'DE', 'FR'],
    behaviour: { ...SMS, delivery: 0.95, click: 0.1, optOut: 0.007 },
    weight: 2,
    price: EUR(0.0412),
    linkUrl: `${SHOP}/winter`,
    // the holdout: a tenth of the audience is never messaged; some of them buy anyway
    holdout: { share: 0.1, organicConvert: 0.015 },
  },
  {
    id: 'alpine_promo',
    route: 'infobip',
    senders: ['TallyShop'],
    countries: ['CH', 'DE', 'FR'],
    behaviour: { ...SMS, delivery: 0.93, click: 0.09, reply: 0, optOut: 0 },
    weight: 1.5,
    price: EUR(0.035),
    linkUrl: `${SHOP}/alpine`,
  },
  {
    id: 'wa_relaunch',
    route: 'whatsapp',
    senders: ['15550000001'],
    countries: ALL,
    behaviour: WA,
    weight: 2.5,
    linkUrl: `${SHOP}/relaunch`,
  },
  {
    id: 'app_promo',
    route: 'push',
    senders: ['com.tally.shop'],
    countries: ALL,
    behaviour: PUSH,
    weight: 2,
    linkUrl: `${SHOP}/app`,
  },
  {
    id: 'onboarding_tips',
    route: 'in_app',
    senders: ['com.tally.shop'],
    countries: ALL,
    behaviour: IN_APP,
    weight: 1.5,
    linkUrl: `${SHOP}/tips`,
  },
];

/** The flash series: a new SMS campaign every `everyMs` from `firstMs`, each to a fresh list. */
export const FLASH = {
  sendsPerSecond: 8,
  spikeMs: 30_000,
  /** Every n-th delivery of the spike answers STOP. */
  every: 10,
  lengthMs: 210_000,
  sender: '+15550100099',
  listSize: 2500,
} as const;

function flash(tag: string, n: number, startMs: number): CampaignPlan {
  return {
    ...plan(
      {
        id: `flash_${tag}_${n + 1}`,
        route: 'twilio',
        senders: [FLASH.sender],
        countries: ['US'],
        behaviour: { ...SMS, delivery: 0.97, click: 0.06, reply: 0.02, optOut: 0.003 },
        price: USD(0.0079),
        linkUrl: `${SHOP}/flash`,
      },
      startMs,
      startMs + FLASH.lengthMs,
    ),
    sendsPerSecond: FLASH.sendsPerSecond,
    spike: { every: FLASH.every, untilMs: startMs + FLASH.spikeMs },
    listBlock: (((hash32(tag) % 400) + n) % 400) * FLASH.listSize,
  };
}

/** A short tag of the seed: campaign ids and lists of one run never meet another run's. */
export const seedTag = (seed: string) => hash32(seed).toString(36).slice(0, 4);

function campaignSet(
  fixed: CampaignPlan[],
  series?: { tag: string; firstMs: number; everyMs: number },
): Campaigns {
  const made = new Map<number, CampaignPlan>();
  const nth = (n: number, s: NonNullable<typeof series>) => {
    let p = made.get(n);
    if (!p) made.set(n, (p = flash(s.tag, n, s.firstMs + n * s.everyMs)));
    return p;
  };
  const flashes = (from: number, to: number): CampaignPlan[] => {
    if (!series) return [];
    const lo = Math.max(0, Math.ceil((from - FLASH.lengthMs - series.firstMs) / series.everyMs));
    const out: CampaignPlan[] = [];
    for (let n = lo; series.firstMs + n * series.everyMs < to; n++) out.push(nth(n, series));
    for (const n of made.keys()) if (n < lo - 1) made.delete(n);
    return out;
  };
  return {
    activeAt: (t) => [...fixed, ...flashes(t, t + 1)].filter((p) => p.startMs <= t && t < p.endMs),
    startedBefore: (t) => [...fixed.filter((p) => p.startMs < t), ...flashes(-Infinity, t)],
  };
}

const KNOBS: Knobs = { retry: 0.03, late: 0.03, reorder: 0.05, mintAll: true };

export const SCENARIOS: Record<string, Scenario> = {
  demo: {
    name: 'demo',
    description:
      'every provider, every KPI: previous campaigns, six running ones, an opt-out spike every few minutes',
    knobs: KNOBS,
    campaigns: ({ startMs, seed, spikeEveryMs }) => {
      const history = [0.7, 1.25, 1].flatMap((f, k) =>
        HISTORY.map((s) =>
          plan(
            { ...s, id: `${s.id}_w${k + 1}`, behaviour: scaled(s.behaviour, f) },
            startMs + k * 5000,
            startMs + k * 5000 + 10_000,
          ),
        ),
      );
      const running = RUNNING.map((s) => plan(s, startMs + 14_000, Infinity));
      return campaignSet([...history, ...running], {
        tag: seedTag(seed),
        firstMs: startMs + 15_000,
        everyMs: spikeEveryMs ?? 360_000,
      });
    },
  },
  'receipts-heavy': {
    name: 'receipts-heavy',
    description: 'SMS and WhatsApp receipts (with retries and late receipts), no links or two-way traffic',
    knobs: { retry: 0.06, late: 0.05, reorder: 0.05, mintAll: false },
    campaigns: ({ startMs }) =>
      campaignSet(
        RUNNING.filter((s) => s.route !== 'push' && s.route !== 'in_app').map(
          ({ linkUrl: _link, holdout: _holdout, ...s }) =>
            plan(
              {
                ...s,
                id: `receipts_${s.route}`,
                behaviour: behaviour({ delivery: s.behaviour.delivery, open: s.behaviour.open }),
              },
              startMs,
              Infinity,
            ),
        ),
      ),
  },
  'optout-spike': {
    name: 'optout-spike',
    description: 'one steady SMS campaign and a flash campaign with an opt-out spike every few minutes',
    knobs: KNOBS,
    campaigns: ({ startMs, seed, spikeEveryMs }) =>
      campaignSet([plan({ ...(RUNNING[0] as Shape), id: 'steady_sms' }, startMs, Infinity)], {
        tag: seedTag(seed),
        firstMs: startMs + 5000,
        everyMs: spikeEveryMs ?? 360_000,
      }),
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
