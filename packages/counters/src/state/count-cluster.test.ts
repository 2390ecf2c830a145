import { describe, expect, it } from 'vitest';
import { eachCell, scopeId, type Contribution } from './contribution.ts';
import { countCluster, type Cluster } from './count-cluster.ts';
import type { CountContext } from './count-message.ts';
import { DEFAULT_TENANT_WINDOWS, type Ev } from './event.ts';
import { mergeOwnEvent, newMessage } from './message.ts';
import { addMessageId, addRecipientEvent, newRecipient } from './recipient.ts';
import { ev, H, T0 } from './test-events.ts';

const ctx: CountContext = {
  now: T0 + 30 * H,
  minuteTtlSeconds: 26 * 3600,
  windows: () => DEFAULT_TENANT_WINDOWS,
};

/** Applies the events, in the given order, to one recipient's cluster. */
function cluster(events: Ev[]): Cluster {
  const c: Cluster = { rec: newRecipient('t', 'r1', T0), messages: new Map() };
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

function counts(out: Contribution, campaign: string): Record<string, number> {
  const scope = scopeId({ kind: 'c', tenant: 't', id: campaign });
  const res: Record<string, number> = {};
  for (const [s, key, field, n] of eachCell(out.ints)) if (s === scope && key === 'counts') res[field] = n;
  return res;
}

function both(events: Ev[]): [Contribution, Contribution] {
  return [countCluster(cluster(events), ctx), countCluster(cluster([...events].reverse()), ctx)];
}

describe('attribution through the recipient, in any order', () => {
  it('a reply goes to the latest reach on its channel within 72 h', () => {
    const events = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }),
      ev('s2', 'sent', H, { message: 'm2', campaign: 'B' }),
      ev('s3', 'sent', 2 * H, { message: 'm3', campaign: 'C', channel: 'whatsapp' }),
      ev('r1', 'replied', 3 * H),
    ];
    for (const out of both(events)) {
      expect(counts(out, 'B')).toMatchObject({ sent: 1, delivered: 1, replied: 1 });
      expect(counts(out, 'A').replied).toBeUndefined();
      expect(counts(out, 'C').replied).toBeUndefined();
    }
  });

  it.each([
    ['exactly 72 h after the reach', 72 * H, 1],
    ['1 ms beyond 72 h', 72 * H + 1, 0],
  ])('a STOP %s', (_, at, n) => {
    const events = [ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }), ev('o1', 'opted_out', at)];
    for (const out of both(events)) expect(counts(out, 'A').optOuts ?? 0).toBe(n);
  });

  it('the sender rule: a reply addressed to a number goes to what was sent from it, else to unknown senders', () => {
    const events = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A', sender: '+111' }),
      ev('s2', 'sent', H, { message: 'm2', campaign: 'B', sender: '+222' }),
      ev('s3', 'sent', 2 * H, { message: 'm3', campaign: 'C' }),
      ev('r1', 'replied', 3 * H, { sender: '+111' }),
      ev('r2', 'replied', 3 * H + 1, { sender: '+333' }),
    ];
    for (const out of both(events)) {
      expect(counts(out, 'A').replied).toBe(1);
      expect(counts(out, 'C').replied).toBe(1);
      expect(counts(out, 'B').replied).toBeUndefined();
    }
  });

  it('a message that only failed reaches nobody; delivered later, it does', () => {
    const failedOnly = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }),
      ev('f1', 'failed', 1000, { message: 'm1' }),
      ev('o1', 'opted_out', H),
    ];
    for (const out of both(failedOnly)) expect(counts(out, 'A')).toMatchObject({ sent: 1, failed: 1 });
    const delivered = [...failedOnly, ev('d1', 'delivered', 2000, { message: 'm1' })];
    for (const out of both(delivered)) {
      expect(counts(out, 'A')).toMatchObject({ sent: 1, delivered: 1, optOuts: 1 });
      expect(counts(out, 'A').failed).toBeUndefined();
    }
  });

  it('a receipt that names the campaign is a reach', () => {
    const events = [ev('d1', 'delivered', 0, { message: 'm1', campaign: 'A' }), ev('r1', 'replied', H)];
    for (const out of both(events))
      expect(counts(out, 'A')).toMatchObject({ sent: 1, delivered: 1, replied: 1 });
  });

  it('a conversion goes to the latest click within 5 days, else the latest delivery within 24 h, any channel', () => {
    const events = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }),
      ev('k1', 'clicked', H, { message: 'm1' }),
      ev('s2', 'delivered', 2 * H, { message: 'm2', campaign: 'B', channel: 'whatsapp' }),
      ev('c1', 'converted', 3 * H, { value: { u: 10_000, cur: 'EUR' } }),
      ev('c2', 'converted', 6 * 24 * H + 1, {}),
    ];
    for (const out of both(events)) {
      expect(counts(out, 'A')).toMatchObject({ clicked: 1, clicks: 1, converted: 1, conversions: 1 });
      expect(counts(out, 'B').conversions).toBeUndefined();
    }
    const byDelivery = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }),
      ev('d1', 'opened', H, { message: 'm1', channel: 'sms' }),
      ev('s2', 'delivered', 2 * H, { message: 'm2', campaign: 'B', channel: 'push' }),
      ev('c1', 'converted', 3 * H),
    ];
    for (const out of both(byDelivery))
      expect(counts(out, 'B')).toMatchObject({ converted: 1, conversions: 1 });
  });

  it('an opt-out counts its recipient once per campaign', () => {
    const events = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }),
      ev('o1', 'opted_out', H),
      ev('o2', 'opted_out', 2 * H),
      ev('o3', 'opted_out', 3 * H, { message: 'm1' }),
    ];
    for (const out of both(events)) expect(counts(out, 'A').optOuts).toBe(1);
  });

  it('cost is counted once per message: the latest receipt with a price wins', () => {
    const events = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' }),
      ev('f1', 'failed', 1000, { message: 'm1', cost: { u: 500, cur: 'EUR' } }),
      ev('d1', 'delivered', 2000, { message: 'm1', cost: { u: 700, cur: 'EUR' } }),
    ];
    for (const out of both(events)) {
      const money = [...eachCell(out.money)].find(([, key]) => key === 'money');
      expect(money?.[3]).toBe(700n);
    }
  });

  it('a pending reply waits and is attributed when the reach arrives', () => {
    const reply = [ev('r1', 'replied', H)];
    const pending = countCluster(cluster(reply), ctx);
    expect([...eachCell(pending.ints)].map(([, key]) => key)).toEqual(['pending']);
    const later = countCluster(
      cluster([...reply, ev('s1', 'sent', 0, { message: 'm1', campaign: 'A' })]),
      ctx,
    );
    expect(counts(later, 'A').replied).toBe(1);
    expect([...eachCell(later.ints)].some(([, key]) => key === 'pending')).toBe(false);
  });

  it('WhatsApp engagement counts inbound messages within 24 h of the send only', () => {
    const events = [
      ev('s1', 'sent', 0, { message: 'm1', campaign: 'A', channel: 'whatsapp' }),
      ev('r1', 'replied', H, { message: 'm1', channel: 'whatsapp' }),
      ev('r2', 'replied', 3 * H, { channel: 'whatsapp' }),
      ev('r3', 'replied', 80 * H, { message: 'm1', channel: 'whatsapp' }),
    ];
    for (const out of both(events))
      expect(counts(out, 'A')).toMatchObject({ engN: 1, engSum: 2 * H, replied: 1 });
  });
});
