/**
 * A topic of canonical events for the aggregator scenarios, and the bare consume-and-discard
 * baseline over it. The mix per message: sent (with campaign, recipient, segment, cost) and
 * delivered; a third of messages opened, a seventh clicked (≈2.5 events per message). Receipts
 * carry the recipient, as every provider's do, except one in fifty (an API receipt naming only
 * the message, which the aggregator forwards to the recipient's partition). Keyed like ingest
 * keys them (`recordKey`). Message i goes to recipient i mod 50,000 (BENCH_RECIPIENTS sets another
 * count: with 1,000,000 a recipient has about one message in a 2.5M-event soak instead of 20).
 */
import { Kafka, logLevel } from 'kafkajs';
import { recordKey, type CanonicalEvent } from '@tally/events';

export const BENCH_TENANT = 'benchco';

export function benchKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** The mix described above, message by message (the in-process applier harness reads it too). */
export function* mixedEvents(n: number): Generator<CanonicalEvent> {
  const t0 = Date.now() - 3600_000;
  const recipients = Number(process.env.BENCH_RECIPIENTS ?? 50_000);
  let made = 0;
  for (let i = 0; made < n; i++) {
    const messageId = `m${i}`;
    const recipientId = `r${i % recipients}`;
    const base = {
      tenantId: BENCH_TENANT,
      channel: 'sms' as const,
      messageId,
      ...(i % 50 === 49 ? {} : { recipientId }),
    };
    const at = (s: number) => new Date(t0 + i + s * 1000).toISOString();
    const all: CanonicalEvent[] = [
      {
        ...base,
        eventId: `${messageId}s`,
        type: 'sent',
        occurredAt: at(0),
        campaignId: `c${i % 20}`,
        recipientId,
        segment: i % 2 ? 'vip' : 'regular',
        cost: { amount: 0.0075, currency: 'USD' },
      },
      { ...base, eventId: `${messageId}d`, type: 'delivered', occurredAt: at(2) },
    ];
    if (i % 3 === 0) all.push({ ...base, eventId: `${messageId}o`, type: 'opened', occurredAt: at(30) });
    if (i % 7 === 0)
      all.push({
        ...base,
        eventId: `${messageId}k`,
        type: 'clicked',
        occurredAt: at(60),
        url: 'https://x.example/',
      });
    for (const e of all) if (made++ < n) yield e;
  }
}

export interface Filled {
  events: number;
  messages: number;
  recipients: number;
}

/** Creates `topic` (and its dead-letter topic) with `partitions` and writes n mixed events to it. */
export async function fillTopic(
  kafka: Kafka,
  topics: { events: string; eventsDeadLetter: string },
  n: number,
  partitions = 6,
): Promise<Filled> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: topics.events, numPartitions: partitions },
      { topic: topics.eventsDeadLetter, numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  let batch: { key: string; value: string }[] = [];
  const recipients = new Set<string>();
  let messages = 0;
  for (const e of mixedEvents(n)) {
    if (e.type === 'sent') messages++;
    if (e.recipientId) recipients.add(e.recipientId);
    batch.push({ key: recordKey(e), value: JSON.stringify(e) });
    if (batch.length === 5000) {
      await producer.send({ topic: topics.events, acks: -1, messages: batch });
      batch = [];
    }
  }
  if (batch.length) await producer.send({ topic: topics.events, acks: -1, messages: batch });
  await producer.disconnect();
  return { events: n, messages, recipients: recipients.size };
}

/** Baseline: a bare kafkajs consumer reads the topic from the start and discards; events/s. */
export async function consumeAndDiscard(
  kafka: Kafka,
  topic: string,
  groupId: string,
  n: number,
): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const started = performance.now();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachBatchAutoResolve: false,
    /* eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs hands eachBatch plain closures, not methods */
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      seen += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      await heartbeat();
      if (seen >= n) done();
    },
  });
  await finished;
  const s = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return n / s;
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}
