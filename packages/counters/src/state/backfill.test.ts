/**
 * The backfill rule (issue 22, docs/semantics.md §0 and §8): an imported event is late only beyond
 * the tenant's backfill window B (not its horizon H), and while the tenant has an open import its
 * state is kept for B, so no imported event finds the state it belongs to retired.
 */
import { describe, expect, it } from 'vitest';
import type { Cluster } from './count-cluster.ts';
import type { CountContext } from './count-message.ts';
import {
  backfillMs,
  DEFAULT_BACKFILL_MS,
  DEFAULT_TENANT_WINDOWS,
  isLate,
  keepHorizonMs,
  messageRetentionMs,
  type TenantWindows,
} from './event.ts';
import { mergeOwnEvent, newMessage } from './message.ts';
import { addMessageId, newRecipient } from './recipient.ts';
import { retireCluster } from './retire.ts';
import { ev, H, T0 } from './test-events.ts';

const DAY = 24 * H;
const W = DEFAULT_TENANT_WINDOWS;
const IMPORTING: TenantWindows = { ...W, importing: true };

describe('isLate with imports', () => {
  const at = (ageMs: number, importId?: string) => ({ t: T0 - ageMs, arrival: T0, importId });

  it('judges a live event by the horizon, an imported one by the backfill window', () => {
    expect(isLate(at(7 * DAY), W), 'live, at the horizon').toBe(false);
    expect(isLate(at(7 * DAY + 1), W), 'live, past the horizon').toBe(true);
    expect(isLate(at(60 * DAY, 'imp1'), W), 'imported, 60 days old').toBe(false);
    expect(isLate(at(90 * DAY, 'imp1'), W), 'imported, at B').toBe(false);
    expect(isLate(at(90 * DAY + 1, 'imp1'), W), 'imported, past B').toBe(true);
  });

  it('does not depend on whether an import is open (a replay decides the same)', () => {
    expect(isLate(at(60 * DAY, 'imp1'), IMPORTING)).toBe(isLate(at(60 * DAY, 'imp1'), W));
    expect(isLate(at(8 * DAY), IMPORTING), 'a live event stays late while importing').toBe(true);
  });

  it('takes the tenant backfill window, never below the horizon', () => {
    expect(isLate(at(20 * DAY, 'imp1'), { ...W, backfillMs: 14 * DAY })).toBe(true);
    expect(backfillMs({ ...W, backfillMs: DAY })).toBe(W.horizonMs);
    expect(backfillMs(W)).toBe(DEFAULT_BACKFILL_MS);
    expect(isLate({ t: T0 + DAY + 1, arrival: T0, importId: 'imp1' }, W), 'from the future').toBe(true);
  });

  it('keeps state for B only while importing', () => {
    expect(keepHorizonMs(W)).toBe(W.horizonMs);
    expect(keepHorizonMs(IMPORTING)).toBe(DEFAULT_BACKFILL_MS);
    expect(messageRetentionMs(W)).toBe(12 * DAY);
    expect(messageRetentionMs(IMPORTING)).toBe(95 * DAY);
  });
});

describe('retirement while importing', () => {
  /** A recipient with one message sent and delivered 60 days before T0, and a reply to it. */
  function history(): Cluster {
    const c: Cluster = { rec: newRecipient('t', 'r1', T0 - 60 * DAY), messages: new Map() };
    for (const e of [
      ev('s', 'sent', -60 * DAY, { message: 'm1', campaign: 'c1', recipient: 'r1', importId: 'imp1' }),
      ev('d', 'delivered', -60 * DAY + H, { message: 'm1', recipient: 'r1', importId: 'imp1' }),
    ]) {
      const m = c.messages.get('m1') ?? newMessage(e);
      mergeOwnEvent(m, e);
      c.messages.set('m1', m);
      addMessageId(c.rec, 'm1', e.t);
    }
    c.rec.events.push({ digest: 'rp', type: 'replied', t: T0 - 60 * DAY + 2 * H, channel: 'sms' });
    return c;
  }
  const ctx = (w: TenantWindows): CountContext => ({ now: T0, minuteTtlSeconds: 0, windows: () => w });

  it('retires nothing of a 60-day history while the tenant imports', () => {
    const c = history();
    const gone = retireCluster(c, T0, ctx(IMPORTING), 92 * DAY);
    expect(gone).toEqual({ messages: [], events: 0, recipient: false });
    expect(c.messages.has('m1')).toBe(true);
    expect(c.rec.events).toHaveLength(1);
  });

  it('retires it with the normal horizon once the import is closed', () => {
    const c = history();
    const gone = retireCluster(c, T0, ctx(W), 92 * DAY);
    expect(gone.messages.map((m) => m.messageId)).toEqual(['m1']);
    expect(gone.events).toBe(1);
    expect(c.messages.size).toBe(0);
  });

  it('retires what is older than B even while importing', () => {
    const c = history();
    const gone = retireCluster(c, T0 + 36 * DAY, ctx(IMPORTING), 92 * DAY);
    expect(gone.messages.map((m) => m.messageId)).toEqual(['m1']);
  });
});
