/**
 * A scenario is a pure function of its seed: the same seed gives the same actions and the same
 * request bytes; what it posts to /v1/events is valid; a provider retry is the same request; the
 * people it addresses are spelled as ingest normalizes them.
 */
import { describe, expect, it } from 'vitest';
import { inboundEventSchema } from '@tally/events';
import { normalizeAddress } from '@tally/ingest';
import {
  COUNTRIES,
  eventsPerSend,
  listPerson,
  POOL_SIZES,
  poolAddresses,
  poolNumber,
  SCENARIOS,
  Timeline,
  webhookRequest,
  type Action,
  type Target,
} from '../src/index.ts';

const START = Date.parse('2026-11-26T10:00:00Z');
const TARGET: Target = {
  tenant: 'demo',
  apiKey: 'k',
  publicBaseUrl: 'http://127.0.0.1:3201',
  credentials: {
    twilio: { authToken: 't' },
    whatsapp: { appSecret: 'a', verifyToken: 'v' },
    vonage: { signatureSecret: 's', signatureMethod: 'sha256' },
    infobip: { secret: 'i', authMode: 'bearer' },
  },
};

function actions(scenario: string, seed: string, seconds = 60): Action[] {
  const s = SCENARIOS[scenario];
  if (!s) throw new Error(`no scenario ${scenario}`);
  const tl = new Timeline(s, { seed, startMs: START, sendsPerSecond: 20, durationMs: seconds * 1000 });
  return tl.take(Infinity);
}

describe('timeline', () => {
  it('gives the same actions for the same seed, and other actions for another seed', () => {
    const a = actions('demo', 'seed-1');
    expect(actions('demo', 'seed-1')).toEqual(a);
    const b = actions('demo', 'seed-2');
    expect(b.length).toBeGreaterThan(1000);
    expect(JSON.stringify(b.slice(0, 50))).not.toBe(JSON.stringify(a.slice(0, 50)));
  });

  it('is the same whether taken in one go or tick by tick', () => {
    const s = SCENARIOS.demo;
    if (!s) throw new Error('no demo scenario');
    const tl = new Timeline(s, { seed: 'seed-1', startMs: START, sendsPerSecond: 20, durationMs: 60_000 });
    const stepwise: Action[] = [];
    for (let t = START; !tl.done; t += 137) stepwise.push(...tl.take(t));
    expect(stepwise).toEqual(actions('demo', 'seed-1'));
  });

  it('returns actions in time order, none before the start', () => {
    const all = actions('demo', 'order');
    expect(all.every((a, i) => a.at >= START && (i === 0 || a.at >= (all[i - 1]?.at ?? 0)))).toBe(true);
  });

  it('posts only events ingest accepts', () => {
    for (const name of Object.keys(SCENARIOS)) {
      const posted = actions(name, 'valid').flatMap((a) => (a.kind === 'events' ? a.events : []));
      expect(posted.length).toBeGreaterThan(100);
      const bad = posted.filter((e) => !inboundEventSchema.safeParse(e).success);
      expect(bad).toEqual([]);
    }
  });

  it('sends a retry as the same bytes as the callback it repeats', () => {
    const all = actions('receipts-heavy', 'retries');
    const retries = all.filter((a) => a.kind === 'webhook' && a.retry === true);
    expect(retries.length).toBeGreaterThan(20);
    for (const r of retries) {
      if (r.kind !== 'webhook') continue;
      const original = all.find(
        (a) =>
          a !== r && a.kind === 'webhook' && !a.retry && JSON.stringify(a.body) === JSON.stringify(r.body),
      );
      if (original?.kind !== 'webhook') throw new Error('a retry without its original');
      expect(webhookRequest(r, TARGET)).toEqual(webhookRequest(original, TARGET));
    }
  });

  it('has every kind of traffic the dashboard shows within its first minute', () => {
    const all = actions('demo', 'coverage');
    const kinds = new Set(all.map((a) => (a.kind === 'webhook' ? a.provider : a.kind)));
    expect([...kinds].sort()).toEqual([
      'events',
      'follow',
      'infobip',
      'mint',
      'twilio',
      'vonage',
      'whatsapp',
    ]);
    const firstMinute = all.filter((a) => a.at <= START + 60_000);
    const types = new Set(firstMinute.flatMap((a) => a.expect.map((e) => e.type)));
    expect([...types].sort()).toEqual([
      'clicked',
      'converted',
      'delivered',
      'failed',
      'feature_adopted',
      'held_out',
      'opened',
      'opted_out',
      'replied',
      'sent',
      'survey_answered',
      'uninstalled',
    ]);
    const currencies = new Set(
      all.flatMap((a) =>
        a.kind === 'events' ? a.events.flatMap((e) => [e.cost?.currency, e.value?.currency]) : [],
      ),
    );
    expect([...currencies].filter(Boolean).sort()).toEqual(['EUR', 'USD']);
    expect(all.some((a) => a.retry === true)).toBe(true);
  });

  it('fetches links like machines do: previews and scanners seconds after delivery, before the person', () => {
    const all = actions('demo', 'previews', 120);
    const follows = all.filter((a) => a.kind === 'follow');
    const agents = new Set(follows.map((f) => f.agent ?? 'phone'));
    expect([...agents].sort()).toEqual(['imessage', 'phone', 'scanner', 'scanner_head', 'whatsapp']);
    for (const f of follows) {
      const bot = (f.agent ?? 'phone') !== 'phone';
      expect(f.expect.map((e) => [e.type, e.clickClass ?? 'human'])).toEqual([
        ['clicked', bot ? 'bot' : 'human'],
      ]);
    }
    // the runner drops a link's code after its last follow by time, and only then
    const byRef = new Map<string, typeof follows>();
    for (const f of follows) byRef.set(f.ref, [...(byRef.get(f.ref) ?? []), f]);
    for (const list of byRef.values()) {
      const last = Math.max(...list.map((f) => f.at));
      for (const f of list) expect(Boolean(f.keep), `${f.ref} at ${f.at}`).toBe(f.at < last);
    }
  });

  it('an experiment to read (issue 21): spring_sale B clicks far more than A; eu_winter holds out a stable tenth', () => {
    const all = actions('demo', 'seed-1', 600);
    const posted = all.flatMap((a) => (a.kind === 'events' ? a.events : []));
    const sends = posted.filter((e) => e.type === 'sent' && e.campaignId === 'spring_sale');
    const byVariant = (v: string) => sends.filter((e) => e.variant === v).length;
    expect(byVariant('A')).toBeGreaterThan(300);
    expect(byVariant('B')).toBeGreaterThan(300);
    // People's clicks: the previews and scanners fetch both variants' links alike.
    const clicks = all
      .filter((a) => a.kind === 'follow')
      .flatMap((a) => a.expect)
      .filter((c) => c.clickClass !== 'bot');
    const clicksOf = (v: string) =>
      clicks.filter(
        (c) =>
          c.campaignId === 'spring_sale' && sends.some((s) => s.messageId === c.messageId && s.variant === v),
      ).length;
    expect(clicksOf('B') / byVariant('B')).toBeGreaterThan(1.4 * (clicksOf('A') / byVariant('A')));
    const holds = posted.filter((e) => e.type === 'held_out');
    expect(holds.every((e) => e.campaignId === 'eu_winter' && e.messageId === undefined)).toBe(true);
    const held = new Set(holds.map((e) => e.recipientId));
    expect(held.size).toBe(holds.length);
    const messaged = new Set(
      posted.filter((e) => e.campaignId === 'eu_winter' && e.type === 'sent').map((e) => e.recipientId),
    );
    expect(messaged.size).toBeGreaterThan(5 * held.size);
    expect(held.size).toBeGreaterThan(20);
    expect([...held].filter((r) => messaged.has(r))).toEqual([]);
  });

  it('holds the global control group out of every campaign (issue 21): a held_out per campaign, never a send', () => {
    const s = SCENARIOS.demo;
    if (!s) throw new Error('no demo scenario');
    const members = new Set(poolAddresses().filter((_, i) => i % 20 === 3));
    const tl = new Timeline(s, {
      seed: 'seed-1',
      startMs: START,
      sendsPerSecond: 20,
      durationMs: 300_000,
      globalControl: members,
    });
    const posted = tl.take(Infinity).flatMap((a) => (a.kind === 'events' ? a.events : []));
    const sentTo = posted.filter((e) => e.type === 'sent').map((e) => e.recipientId);
    expect(sentTo.filter((r) => r !== undefined && members.has(r))).toEqual([]);
    const holds = posted.filter((e) => e.type === 'held_out' && members.has(e.recipientId ?? ''));
    const campaigns = new Set(holds.map((e) => e.campaignId));
    expect(campaigns.size).toBeGreaterThan(3);
    const keys = holds.map((e) => `${e.campaignId}|${e.recipientId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(holds.length).toBeGreaterThan(50);
  });

  it('measures events per send once per scenario, the same every time', () => {
    const demo = SCENARIOS.demo;
    if (!demo) throw new Error('no demo scenario');
    const e = eventsPerSend(demo);
    expect(eventsPerSend(demo)).toBe(e);
    expect(e).toBeGreaterThan(2);
    expect(e).toBeLessThan(5);
  });
});

describe('people', () => {
  it('spells every number as ingest normalizes it, with the country ingest derives', () => {
    for (const country of COUNTRIES) {
      for (const i of [0, 1, POOL_SIZES[country] - 1]) {
        const address = poolNumber(country, i);
        expect(normalizeAddress(address, 'sms')).toEqual({ address, country });
        // WhatsApp, Vonage and Infobip send the digits without the plus.
        expect(normalizeAddress(address.slice(1), 'sms')).toEqual({ address, country });
      }
    }
    expect(normalizeAddress(listPerson(997_500, 2499).address, 'sms')).toEqual({
      address: '+15558999999',
      country: 'US',
    });
  });
});
