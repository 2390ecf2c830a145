/**
 * The experiment figures of a cluster (count-experiment.ts, holdout.ts), and what retirement
 * leaves behind for them: after events freeze, a later change moves every experiment cell by
 * exactly what it moves it by on the never-retired cluster (a square is of the whole unit's
 * revenue, frozen parts included).
 */
import { describe, expect, it } from 'vitest';
import { eachCell, scopeId, type Contribution } from './contribution.ts';
import { countCluster, type Cluster } from './count-cluster.ts';
import type { CountContext } from './count-message.ts';
import { DEFAULT_TENANT_WINDOWS, type Ev } from './event.ts';
import { mergeOwnEvent, newMessage } from './message.ts';
import { addMessageId, addRecipientEvent, newRecipient } from './recipient.ts';
import { retireCluster } from './retire.ts';
import { ev, H, T0 } from './test-events.ts';

const W = { ...DEFAULT_TENANT_WINDOWS, replyMs: 2 * H, clickMs: 3 * H, deliveredMs: H, horizonMs: 6 * H };
const ctx: CountContext = { now: T0, minuteTtlSeconds: 0, windows: () => W };
const X = (arm: string, figure: string) => `${arm}\u0000${figure}`;

function apply(c: Cluster, events: Ev[]): Cluster {
  for (const e of events) {
    if (e.message) {
      const m = c.messages.get(e.message) ?? newMessage(e);
      mergeOwnEvent(m, { recipient: 'r1', ...e });
      c.messages.set(e.message, m);
      addMessageId(c.rec, e.message, e.t);
    } else addRecipientEvent(c.rec, e);
  }
  return c;
}
const fresh = (): Cluster => ({ rec: newRecipient('t', 'r1', T0), messages: new Map() });

/** campaign → x cells (ints and money together). */
function x(out: Contribution, campaign: string): Record<string, number> {
  const scope = scopeId({ kind: 'c', tenant: 't', id: campaign });
  const res: Record<string, number> = {};
  for (const [s, key, field, n] of eachCell(out.ints)) if (s === scope && key === 'x') res[field] = n;
  for (const [s, key, field, n] of eachCell(out.money))
    if (s === scope && key === 'x') res[field] = Number(n);
  return res;
}

function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (b[k] ?? 0) - (a[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

const usd = (amount: number) => ({ u: amount * 10_000, cur: 'USD' });

describe('experiment figures of a cluster', () => {
  it('a hold, its control-arm conversions, a conflict, and a variant message', () => {
    const events = [
      ev('h1', 'held_out', 0, { campaign: 'H' }),
      ev('b1', 'converted', 30 * 60_000, { value: usd(4) }),
      ev('h2', 'held_out', 0, { campaign: 'C' }),
      ev('s1', 'sent', H, { message: 'm1', campaign: 'C', variant: 'B' }),
      ev('o1', 'opted_out', H + 60_000),
    ];
    const out = countCluster(apply(fresh(), events), ctx);
    expect(x(out, 'H')).toEqual({
      [X('h', 'heldOut')]: 1,
      [X('h', 'converted')]: 1,
      [X('h', 'conversions')]: 1,
      [X('h', 'revenue:USD')]: 40_000,
      [X('h', 'revenueSq:USD')]: 40_000 ** 2,
    });
    expect(x(out, 'C')).toEqual({ [X('h', 'conflicts')]: 1, [X('v:B', 'optedOut')]: 1 });
    const reversed = countCluster(apply(fresh(), [...events].reverse()), ctx);
    expect(x(reversed, 'H')).toEqual(x(out, 'H'));
    expect(x(reversed, 'C')).toEqual(x(out, 'C'));
  });

  it('after retirement, a later change moves each cell as it would without retirement', () => {
    const early = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'C', variant: 'A' }),
      ev('d1', 'delivered', 60_000, { message: 'm1' }),
      ev('b1', 'converted', 2 * 60_000, { value: usd(3) }),
      ev('o1', 'opted_out', 3 * 60_000),
      ev('h1', 'held_out', 0, { campaign: 'H' }),
      ev('b2', 'converted', 10 * 60_000, { value: usd(1), channel: 'push' }),
    ];
    // b2 goes to m1: its delivery (1 min) is a later candidate than the hold (0)
    const later = [
      ev('b3', 'converted', 7 * H, { message: 'm1', value: usd(5) }),
      ev('h2', 'held_out', 7 * H, { campaign: 'H' }),
      ev('b4', 'converted', 7 * H + 60_000, { value: usd(2), channel: 'push' }),
    ];
    const whole = apply(fresh(), early);
    const before = x(countCluster(whole, ctx), 'C');
    const beforeH = x(countCluster(whole, ctx), 'H');
    const retired = apply(fresh(), early);
    // stream time past the horizon of the early recipient-level events, not past the message's
    const gone = retireCluster(retired, 6 * H + T0 + 10 * 60_000 + 1, ctx, 92 * 24 * H);
    expect(gone.events).toBeGreaterThan(0);
    expect(gone.messages).toEqual([]);
    const rBefore = x(countCluster(retired, ctx), 'C');
    const rBeforeH = x(countCluster(retired, ctx), 'H');
    apply(whole, later);
    apply(retired, later);
    expect(diff(rBefore, x(countCluster(retired, ctx), 'C'))).toEqual(
      diff(before, x(countCluster(whole, ctx), 'C')),
    );
    expect(diff(rBeforeH, x(countCluster(retired, ctx), 'H'))).toEqual(
      diff(beforeH, x(countCluster(whole, ctx), 'H')),
    );
    // and the change is what the figures say: m1's revenue 4 → 9 USD; H's arm gains b4
    expect(diff(before, x(countCluster(whole, ctx), 'C'))).toEqual({
      [X('v:A', 'revenue:USD')]: 50_000,
      [X('v:A', 'revenueSq:USD')]: 90_000 ** 2 - 40_000 ** 2,
    });
    expect(diff(beforeH, x(countCluster(whole, ctx), 'H'))).toEqual({
      [X('h', 'converted')]: 1,
      [X('h', 'conversions')]: 1,
      [X('h', 'revenue:USD')]: 20_000,
      [X('h', 'revenueSq:USD')]: 20_000 ** 2,
    });
  });

  it('a frozen hold and control-arm conversion: membership stays, the square takes the frozen revenue', () => {
    const early = [
      ev('h1', 'held_out', 0, { campaign: 'H' }),
      ev('b1', 'converted', 10 * 60_000, { value: usd(1) }),
    ];
    const later = [
      ev('h2', 'held_out', 10 * H, { campaign: 'H' }),
      ev('b2', 'converted', 10 * H + 60_000, { value: usd(2) }),
    ];
    const whole = apply(fresh(), early);
    const before = x(countCluster(whole, ctx), 'H');
    const retired = apply(fresh(), early);
    const gone = retireCluster(retired, T0 + 9 * H + 1, ctx, 92 * 24 * H);
    expect(gone.events).toBe(2);
    expect(retired.rec.frozen).toMatchObject({
      heldOutOf: ['H'],
      controlConversionsIn: ['H'],
      controlRevenue: { H: { USD: 10_000 } },
    });
    const rBefore = x(countCluster(retired, ctx), 'H');
    apply(whole, later);
    apply(retired, later);
    const want = {
      [X('h', 'conversions')]: 1,
      [X('h', 'revenue:USD')]: 20_000,
      [X('h', 'revenueSq:USD')]: 30_000 ** 2 - 10_000 ** 2,
    };
    expect(diff(before, x(countCluster(whole, ctx), 'H'))).toEqual(want);
    expect(diff(rBefore, x(countCluster(retired, ctx), 'H'))).toEqual(want);
  });
});
