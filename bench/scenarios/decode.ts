/**
 * The aggregator's per-record decode, alone (issue 25: JSON + zod were 13.5 % of its CPU): the
 * bench mix (bench/lib/topic.ts) as Kafka messages, decoded by the zod path (`decodeWithZod`, the
 * decoder before the generated validators) and by the hot path (`decodeMessage`: JSON.parse + the
 * validators generated from the same schemas), in the same process, alternating, after a warm-up;
 * JSON.parse alone is the floor. µs per record is the median round's process CPU time (the
 * decoders are single-threaded CPU work; garbage collection included, allocation being part of the
 * cost), compiled code as shipped.
 */
import type { KafkaMessage } from 'kafkajs';
import { decodeMessage, decodeWithZod, type Decoded } from '@tally/aggregator';
import type { Figure } from '../lib/report.ts';
import { mixedEvents } from '../lib/topic.ts';
import { percentile } from '../lib/stats.ts';

type Decoder = (m: KafkaMessage) => unknown;

function messages(n: number): KafkaMessage[] {
  const out: KafkaMessage[] = [];
  let offset = 0;
  for (const e of mixedEvents(n)) {
    out.push({
      key: null,
      value: Buffer.from(JSON.stringify(e)),
      offset: String(offset++),
      timestamp: String(Date.now()),
      attributes: 0,
      headers: {},
    });
  }
  return out;
}

/**
 * CPU µs per record of one pass (process.cpuUsage: on a shared machine, time descheduled is not
 * the decoder's); throws if a record of the (valid) mix is refused.
 */
function pass(decode: Decoder, ms: KafkaMessage[]): number {
  const c0 = process.cpuUsage();
  let refused = 0;
  for (const m of ms) if ((decode(m) as Decoded | undefined)?.ok === false) refused++;
  const c = process.cpuUsage(c0);
  if (refused > 0) throw new Error(`decode: ${refused} records of the bench mix were refused`);
  return (c.user + c.system) / ms.length;
}

const jsonOnly: Decoder = (m) => {
  JSON.parse(m.value?.toString('utf8') ?? '');
  return undefined;
};

function median(xs: number[]): number | undefined {
  return xs.length > 0
    ? percentile(
        [...xs].sort((a, b) => a - b),
        50,
      )
    : undefined;
}

export function decode(mode: 'quick' | 'full', notes: string[]): Promise<Figure[]> {
  const n = mode === 'quick' ? 20_000 : Number(process.env.BENCH_DECODE_RECORDS ?? 200_000);
  const rounds = mode === 'quick' ? 5 : 9;
  const ms = messages(n);
  const decoders: [string, Decoder][] = [
    ['zod', decodeWithZod],
    ['generated', decodeMessage],
    ['json', jsonOnly],
  ];
  for (const [, d] of decoders) pass(d, ms.slice(0, Math.min(n, 20_000)));
  const times = new Map<string, number[]>(decoders.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) for (const [name, d] of decoders) times.get(name)?.push(pass(d, ms));
  const [zod, generated, json] = ['zod', 'generated', 'json'].map((k) => median(times.get(k) ?? []));
  if (zod === undefined || generated === undefined || json === undefined)
    throw new Error('decode: no rounds');
  notes.push(
    `decode: ${n.toLocaleString('en-US')} records of the bench mix, ${rounds} alternating rounds, median; zod = JSON.parse + canonicalEventSchema.safeParse (the aggregator's decoder before issue 25), generated = JSON.parse + the validator generated from the same schema (the event is the parsed object, normalized in place).`,
  );
  const scenario = `decode (${n.toLocaleString('en-US')} records, in process)`;
  return Promise.resolve([
    { scenario, metric: 'zod decode, per record', value: zod, unit: 'µs' },
    {
      scenario,
      metric: 'generated decode, per record',
      value: generated,
      unit: 'µs',
      baseline: zod,
      ratio: generated / zod,
    },
    { scenario, metric: 'JSON.parse alone, per record (the floor)', value: json, unit: 'µs' },
    { scenario, metric: 'zod ÷ generated (speed-up of the decode)', value: zod / generated, unit: '×' },
  ]);
}
