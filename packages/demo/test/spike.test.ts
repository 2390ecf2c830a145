/**
 * The flash campaigns cross the optOutSpike threshold by construction, and only they do: the
 * timeline's events (by event time, first occurrence per message and per recipient, as SPEC §5
 * counts them) are fed minute by minute to the pure rule of @tally/kpi with the default rules,
 * and the alert fires within about a minute of each flash campaign's start and resolves later.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_RULES,
  evaluateRule,
  minuteOf,
  type FiringMemory,
  type WindowCounts,
} from '@tally/kpi';
import { SCENARIOS, seedTag, Timeline, type Expected } from '../src/index.ts';

const START = Date.parse('2026-11-26T10:00:00Z');
const RULE = DEFAULT_ALERT_RULES.optOutSpike;

/** First-occurrence times per campaign: deliveries by message, opt-outs by recipient. */
function firstOccurrences(events: Expected[]) {
  const delivered = new Map<string, Map<string, number>>();
  const optOuts = new Map<string, Map<string, number>>();
  const first = (m: Map<string, Map<string, number>>, campaign: string, key: string, at: number) => {
    const c = m.get(campaign) ?? new Map<string, number>();
    m.set(campaign, c);
    c.set(key, Math.min(at, c.get(key) ?? Infinity));
  };
  for (const e of events) {
    if (!e.campaignId) continue;
    const implies =
      e.type === 'delivered' || e.type === 'opened' || e.type === 'clicked' || e.type === 'replied';
    if (implies && e.messageId) first(delivered, e.campaignId, e.messageId, e.at);
    if (e.type === 'opted_out' && e.recipient) first(optOuts, e.campaignId, e.recipient, e.at);
  }
  return { delivered, optOuts };
}

/** Per campaign, the first-occurrence times in order, so a window count is two binary searches. */
function sorted(m: Map<string, Map<string, number>>): Map<string, number[]> {
  return new Map([...m].map(([c, times]) => [c, [...times.values()].sort((a, b) => a - b)]));
}

/** How many of `ts` (sorted) are ≤ x. */
function upTo(ts: number[], x: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ts[mid] ?? Infinity) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First occurrences in the rule's window ending at `now`: its minute buckets, up to `now`. */
function windowCount(ts: number[] | undefined, now: number): number {
  if (!ts) return 0;
  const from = (minuteOf(now) - RULE.windowMinutes + 1) * 60_000;
  return upTo(ts, now) - upTo(ts, from - 1);
}

interface Transition {
  campaignId: string;
  action: 'fire' | 'resolve';
  at: number;
  numbers: Record<string, unknown>;
}

/** Evaluates every campaign every 5 s, as the evaluator does (memory of firing alerts included). */
function simulate(seed: string, minutes: number): Transition[] {
  const scenario = SCENARIOS.demo;
  if (!scenario) throw new Error('no demo scenario');
  const tl = new Timeline(scenario, {
    seed,
    startMs: START,
    sendsPerSecond: 20,
    durationMs: minutes * 60_000,
  });
  const events = tl.take(Infinity).flatMap((a) => (a.retry ? [] : a.expect));
  const first = firstOccurrences(events);
  const delivered = sorted(first.delivered);
  const optOuts = sorted(first.optOuts);
  const firing = new Map<string, FiringMemory>();
  const out: Transition[] = [];
  for (let now = START; now <= START + minutes * 60_000; now += 5000) {
    for (const campaignId of delivered.keys()) {
      const counts: WindowCounts = {
        sent: 0,
        failed: 0,
        failedByErrorCode: {},
        delivered: windowCount(delivered.get(campaignId), now),
        optOuts: windowCount(optOuts.get(campaignId), now),
      };
      const previous = firing.get(campaignId) ?? null;
      const d = evaluateRule({
        type: 'optOutSpike',
        rule: RULE,
        counts,
        baselineOptOutRate: null,
        previous,
        renotifyAfterSeconds: 4 * 3600,
        now: new Date(now),
      });
      if (d.action === 'fire')
        firing.set(campaignId, { firedAt: new Date(now), lastNotifiedAt: new Date(now), clearSince: null });
      else if (d.action === 'resolve') firing.delete(campaignId);
      else if (previous) firing.set(campaignId, { ...previous, clearSince: d.clearSince });
      if (d.action === 'fire' || d.action === 'resolve')
        out.push({ campaignId, action: d.action, at: now - START, numbers: d.numbers });
    }
  }
  return out;
}

describe('opt-out spike', () => {
  for (const seed of ['spike-a', 'spike-b', 'spike-c']) {
    it(`fires for each flash campaign within ~70 s of its start and resolves ~13 min later, and for nothing else (seed ${seed})`, () => {
      const tag = seedTag(seed);
      const transitions = simulate(seed, 16);
      expect(transitions.filter((t) => !t.campaignId.startsWith(`flash_${tag}_`))).toEqual([]);
      const byFlash = (n: number, action: Transition['action']) =>
        transitions.filter((t) => t.campaignId === `flash_${tag}_${n}` && t.action === action);
      // Flash n starts at 15 s + (n − 1) × 6 min.
      for (const n of [1, 2, 3]) {
        const start = 15_000 + (n - 1) * 360_000;
        const [fire, ...again] = byFlash(n, 'fire');
        expect(again).toEqual([]);
        expect(fire?.at).toBeGreaterThan(start);
        expect(fire?.at).toBeLessThanOrEqual(start + 70_000);
        expect(fire?.numbers.delivered).toBeGreaterThanOrEqual(RULE.minDelivered);
        expect(fire?.numbers.wilsonLower).toBeGreaterThan(RULE.threshold);
      }
      // Only the first has had time to resolve: clear within ~4 min, then 10 min of clear.
      const [resolve] = byFlash(1, 'resolve');
      expect(resolve?.at).toBeGreaterThan(15_000 + 10 * 60_000);
      expect(resolve?.at).toBeLessThanOrEqual(15_000 + 15 * 60_000);
      expect(resolve?.numbers.rate).toBeLessThan(RULE.threshold);
    }, 60_000);
  }
});
