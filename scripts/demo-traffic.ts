/**
 * Demo traffic for `./tally up`: a few campaigns' sends, receipts, opens, clicks, conversions and
 * opt-outs posted to ingest's POST /v1/events (with the odd duplicate and out-of-order receipt, as
 * real providers send them), and a KPI line per campaign every few seconds from query-api.
 *
 *   INGEST_URL, QUERY_URL, API_KEY   where to post and read
 *   DEMO_RATE                        sends per second (default 20)
 *   DEMO_DURATION_S                  stop after this many seconds (default: run until SIGINT/SIGTERM)
 */
import { randomUUID } from 'node:crypto';

const INGEST_URL = process.env.INGEST_URL ?? 'http://127.0.0.1:3001';
const QUERY_URL = process.env.QUERY_URL ?? 'http://127.0.0.1:3002';
const API_KEY = process.env.API_KEY ?? 'tly_demo_local_only_do_not_use_in_production';
const RATE = Number(process.env.DEMO_RATE ?? 20);
const DURATION_S = Number(process.env.DEMO_DURATION_S ?? 0);

interface Campaign {
  id: string;
  channel: 'sms' | 'whatsapp' | 'push';
  delivery: number;
  open: number;
  click: number;
  convert: number;
  optOut: number;
}
const CAMPAIGNS: Campaign[] = [
  { id: 'spring_sale', channel: 'sms', delivery: 0.96, open: 0, click: 0.12, convert: 0.03, optOut: 0.015 },
  {
    id: 'wa_relaunch',
    channel: 'whatsapp',
    delivery: 0.98,
    open: 0.7,
    click: 0.2,
    convert: 0.05,
    optOut: 0.005,
  },
  { id: 'app_promo', channel: 'push', delivery: 0.9, open: 0.15, click: 0.06, convert: 0.01, optOut: 0.002 },
];

type Event = Record<string, unknown>;
const due: { at: number; event: Event }[] = [];
let posted = 0;
let failures = 0;
let running = true;

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
const later = (ms: number, event: Event) => due.push({ at: Date.now() + ms, event });

function send(c: Campaign): void {
  const messageId = `${c.id}-${randomUUID().slice(0, 12)}`;
  const recipientId = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const base = { channel: c.channel, messageId, occurredAt: '' };
  const ev = (type: string, extra: Event = {}): Event => ({
    ...base,
    eventId: `${messageId}:${type}`,
    type,
    ...extra,
  });
  later(
    0,
    ev('sent', {
      campaignId: c.id,
      recipientId,
      segment: pick(['new', 'loyal', 'lapsed']),
      variant: pick(['A', 'B']),
      cost: { amount: c.channel === 'sms' ? 0.0079 : 0.0025, currency: 'USD' },
    }),
  );
  const delivered = Math.random() < c.delivery;
  // Receipts arrive 0.5–3 s later; now and then one overtakes its send.
  const receiptDelay = Math.random() < 0.05 ? -1 : 500 + Math.random() * 2500;
  later(
    Math.max(0, receiptDelay),
    delivered ? ev('delivered') : ev('failed', { errorCode: pick(['30003', '30005', '30008']) }),
  );
  if (!delivered) return;
  if (Math.random() < 0.03) later(receiptDelay + 200, ev('delivered')); // provider retry: a duplicate
  if (Math.random() < c.open) later(3000 + Math.random() * 5000, ev('opened'));
  if (Math.random() < c.click) {
    later(4000 + Math.random() * 8000, ev('clicked', { url: `https://shop.example/${c.id}` }));
    if (Math.random() < c.convert / c.click) {
      later(
        10_000 + Math.random() * 10_000,
        ev('converted', {
          value: { amount: Math.round(2000 + Math.random() * 8000) / 100, currency: 'USD' },
        }),
      );
    }
  }
  if (Math.random() < c.optOut)
    later(5000 + Math.random() * 10_000, ev('opted_out', { campaignId: c.id, recipientId }));
}

async function post(events: Event[]): Promise<void> {
  const res = await fetch(`${INGEST_URL}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ events }),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  posted += events.length;
}

async function flush(): Promise<void> {
  const now = Date.now();
  const ready = due.filter((d) => d.at <= now);
  if (ready.length === 0) return;
  const batch = ready.slice(0, 1000);
  const events = batch.map((d) => ({ ...d.event, occurredAt: new Date(d.at).toISOString() }));
  try {
    await post(events);
    for (const d of batch) due.splice(due.indexOf(d), 1);
  } catch (err) {
    failures++;
    console.error(`[demo] post failed, will retry: ${(err as Error).message}`);
  }
}

async function report(): Promise<void> {
  const res = await fetch(`${QUERY_URL}/v1/campaigns`, { headers: { authorization: `Bearer ${API_KEY}` } });
  if (!res.ok) return;
  const body = (await res.json()) as {
    campaigns: { campaignId: string; counts: Record<string, number>; rates: Record<string, number | null> }[];
  };
  const pct = (x: number | null | undefined) =>
    x === null || x === undefined ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`;
  console.log(`[demo] posted ${posted} events (${failures} failed posts)`);
  for (const c of body.campaigns) {
    console.log(
      `  ${c.campaignId.padEnd(12)} sent ${String(c.counts.sent).padStart(6)}  delivered ${pct(c.rates.deliveryRate)}  open ${pct(c.rates.openRate)}  ctr ${pct(c.rates.ctr)}  conv ${pct(c.rates.conversionRate)}  opt-out ${pct(c.rates.optOutRate)}`,
    );
  }
}

const stop = () => {
  running = false;
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const started = Date.now();
let lastReport = 0;
while (running && (DURATION_S === 0 || Date.now() - started < DURATION_S * 1000)) {
  const tickStart = Date.now();
  for (let i = 0; i < RATE / 4; i++) send(pick(CAMPAIGNS));
  await flush();
  if (Date.now() - lastReport > 5000) {
    lastReport = Date.now();
    await report().catch(() => undefined);
  }
  await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - tickStart))));
}
await flush();
await report().catch(() => undefined);
