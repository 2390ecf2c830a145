/**
 * A generated audience of `n` recipients over the last ~60 days (audience-scale.int.test.ts; the
 * bench's `audience` scenario has its own, smaller shape). Dates are relative to `now`: every
 * event is on a day 1..59 days ago, at an hour 0..17 UTC plus at most 5 h, so it is never in the
 * future and the audience periods (the last `days` UTC days, today included) cut between days.
 * Deterministic for a given `now` and `n` (a seeded generator per recipient).
 *
 * Recipient i (raw id `aud-<i>`, not a phone number, so ingest keeps it as it is):
 *   SMS messages   1 (80 %), 2 (12 %), 3 (5 %) or 6 (3 %), each on a random day; a campaign per
 *                  channel and day; 30 % delivered, 3 % failed (few: the test's time is per event)
 *   WhatsApp       one more message when i % 8 = 0, opened when i % 24 = 0
 *   clicked        i % 5 = 0: one click (a person's) on one of its messages, 1 h after the send
 *   replied        i % 9 = 0: a reply to one of its messages, 2 h after the send
 *   opted out      i % 13 = 0: recipient-level, on SMS, 3 h after its last SMS; and back in
 *                  (opted_in) 1 h later when i % 39 = 0
 *   converted      i % 17 = 0: on one of its messages, 4 h after the send (USD, or EUR for odd i),
 *                  and a second time on its first message when i % 51 = 0 (a repeat converter)
 * No event names another recipient's message or recipient, so the recipients are independent.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

export type Ev = Record<string, unknown>;

/** mulberry32: a small seeded generator, so a run's dataset is reproducible from `now` and `n`. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Sent {
  id: string;
  channel: 'sms' | 'whatsapp';
  t: number;
}

const smsCount = (r: number) => (r < 0.8 ? 1 : r < 0.92 ? 2 : r < 0.97 ? 3 : 6);

/** Recipient i's events, as posted to /v1/events (raw recipient id). */
export function scaleRecipient(today: number, i: number): Ev[] {
  const rnd = seeded(i * 2_654_435_761 + 17);
  const raw = `aud-${i}`;
  const events: Ev[] = [];
  const sends: Sent[] = [];
  const at = () => (today - 1 - Math.floor(rnd() * 59)) * DAY + Math.floor(rnd() * 18 * 60) * 60_000;
  const send = (channel: Sent['channel'], j: number) => {
    const t = at();
    const id = `${raw}-${channel}-${j}`;
    sends.push({ id, channel, t });
    const day = Math.floor(t / DAY);
    events.push({
      eventId: `${id}-s`,
      type: 'sent',
      channel,
      occurredAt: iso(t),
      campaignId: `${channel}-${day}`,
      messageId: id,
      recipientId: raw,
    });
    const fate = rnd();
    if (fate < 0.3) events.push(own(id, 'delivered', channel, t + 30_000));
    else if (fate < 0.33) events.push(own(id, 'failed', channel, t + 30_000));
  };
  const n = smsCount(rnd());
  for (let j = 0; j < n; j++) send('sms', j);
  if (i % 8 === 0) send('whatsapp', 0);
  const pick = () => sends[Math.floor(rnd() * sends.length)] as Sent;
  const wa = sends.find((s) => s.channel === 'whatsapp');
  if (wa && i % 24 === 0) events.push(own(wa.id, 'opened', 'whatsapp', wa.t + HOUR / 2));
  if (i % 5 === 0) {
    const m = pick();
    events.push({ ...own(m.id, 'clicked', m.channel, m.t + HOUR), url: `https://shop.example/${i}` });
  }
  if (i % 9 === 0) {
    const m = pick();
    events.push(own(m.id, 'replied', m.channel, m.t + 2 * HOUR));
  }
  if (i % 13 === 0) {
    const last = Math.max(...sends.filter((s) => s.channel === 'sms').map((s) => s.t));
    events.push(subscription(raw, 'opted_out', last + 3 * HOUR));
    if (i % 39 === 0) events.push(subscription(raw, 'opted_in', last + 4 * HOUR));
  }
  if (i % 17 === 0) {
    const currency = i % 2 === 0 ? 'USD' : 'EUR';
    const m = pick();
    events.push(conversion(m, 1, 5 + (i % 50) + 0.25, currency));
    const first = sends[0] as Sent;
    if (i % 51 === 0) events.push(conversion(first, 2, 12.5, currency));
  }
  return events;
}

const iso = (ms: number) => new Date(ms).toISOString();

function own(messageId: string, type: string, channel: string, t: number): Ev {
  return { eventId: `${messageId}-${type[0]}`, type, channel, occurredAt: iso(t), messageId };
}

function subscription(recipientId: string, type: string, t: number): Ev {
  return { eventId: `${recipientId}-${type}`, type, channel: 'sms', occurredAt: iso(t), recipientId };
}

function conversion(m: Sent, k: number, amount: number, currency: string): Ev {
  return {
    eventId: `${m.id}-c${k}`,
    type: 'converted',
    channel: m.channel,
    occurredAt: iso(m.t + 4 * HOUR),
    messageId: m.id,
    value: { amount, currency },
  };
}

/** How far back the dataset reaches (for the harness's event-time guard). */
export const SCALE_HISTORY_MS = 61 * DAY;
