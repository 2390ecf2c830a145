/**
 * Rates are asked for in canonical events per second; a timeline is driven in sends per second.
 * A scenario's events per send is measured once on a throwaway timeline (pure, a few thousand
 * sends), counting only the campaigns the rate drives (flash campaigns have rates of their own).
 */
import type { Scenario } from './scenarios.ts';
import { Timeline } from './timeline.ts';

export function eventsPerSend(scenario: Scenario): number {
  const startMs = Date.parse('2026-01-05T12:00:00Z');
  const durationMs = 60_000;
  const tl = new Timeline(scenario, { seed: 'calibration', startMs, sendsPerSecond: 50, durationMs });
  const fixedRate = new Set(
    tl.campaigns
      .startedBefore(startMs + durationMs)
      .filter((p) => p.sendsPerSecond !== undefined)
      .map((p) => p.id),
  );
  let events = 0;
  for (const a of tl.take(Infinity)) {
    for (const e of a.expect) if (!(e.campaignId && fixedRate.has(e.campaignId))) events++;
  }
  let sends = 0;
  for (const [id, n] of tl.sends) if (!fixedRate.has(id)) sends += n;
  return sends === 0 ? 1 : events / sends;
}
