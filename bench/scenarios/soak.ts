/**
 * Soak (issue 25): one aggregator over a long topic of mixed events (quick 60,000; full
 * BENCH_SOAK_EVENTS or 5,000,000), its process CPU per event and its RSS sampled as the state
 * grows — a segment per tenth of the topic (a third in quick mode) — so growth shows: the cost
 * per event of the last segment against the first (the issue: at 5M within 20 % of the figure at
 * 200k), and the resident memory after each segment (the issue: bounded by a setting, flat).
 * Segments count applied offsets (the events, and the records aggregators forward to themselves).
 * Redis' own CPU per event is sampled with them, so a cost that grows in Redis (its hashes grow
 * with the state) is told apart from one in the process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RedisKeys } from '@tally/counters';
import { topicNames } from '@tally/events';
import { benchEnv, benchRedis, dropBenchDatabase, freePort, startProcess } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchKafka, deleteTopics, fillTopic } from '../lib/topic.ts';
import { AGGREGATOR, applied, caughtUpWith, deleteAll, redisCpu } from './aggregator.ts';

interface Sample {
  applied: number;
  cpuSeconds: number;
  redisCpuSeconds: number;
  rssBytes: number;
  atMs: number;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The process's CPU seconds (user + system) from /proc: read without asking the busy process. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0; // not Linux, or gone
  }
}

export async function soak(mode: 'quick' | 'full', notes: string[]): Promise<Figure[]> {
  const n = mode === 'quick' ? 60_000 : Number(process.env.BENCH_SOAK_EVENTS ?? 5_000_000);
  const segments = mode === 'quick' ? 3 : 10;
  const env = await benchEnv('soak');
  const topics = topicNames(env.KAFKA_TOPIC_SUFFIX);
  const kafka = benchKafka(env.KAFKA_BROKERS);
  const admin = kafka.admin();
  const redis = benchRedis(env);
  const keys = new RedisKeys(env.REDIS_PREFIX);
  const samples: Sample[] = [];
  try {
    const filled = await fillTopic(kafka, topics, n);
    await admin.connect();
    const caughtUp = caughtUpWith(admin, topics.events);
    const agg = await startProcess(AGGREGATOR, env, freePort());
    try {
      // the clock, CPU and memory read together from /proc, then the applied offsets from Redis
      const sample = async (): Promise<Sample> => {
        const atMs = performance.now();
        const cpu = cpuSeconds(agg.child.pid);
        const rss = rssBytes(agg.child.pid);
        return {
          applied: await applied(redis, keys, topics.events),
          cpuSeconds: cpu,
          redisCpuSeconds: await redisCpu(redis),
          rssBytes: rss,
          atMs,
        };
      };
      samples.push(await sample());
      const deadline = Date.now() + (mode === 'quick' ? 5 : 90) * 60_000;
      let next = n / segments;
      for (;;) {
        const done = await caughtUp(redis, keys);
        const s = await sample();
        if (s.applied >= next) {
          samples.push(s);
          while (next <= s.applied) next += n / segments;
        } else if (done) {
          // the tail past the last mark (forwarded records): its own segment when it is sizeable,
          // else the last segment's end, so no sliver of a segment stands for the trend
          const prev = samples[samples.length - 1] as Sample;
          if (samples.length > 1 && s.applied - prev.applied < n / segments / 2)
            samples[samples.length - 1] = s;
          else samples.push(s);
        }
        if (done) break;
        if (Date.now() > deadline) throw new Error(`the soak applied ${s.applied} of ${n} events in time`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await agg.stop();
    }
    const rows = samples.slice(1).map((s, i) => {
      const prev = samples[i] as Sample;
      const events = Math.max(1, s.applied - prev.applied);
      return {
        from: prev.applied,
        to: s.applied,
        cpuUs: ((s.cpuSeconds - prev.cpuSeconds) * 1e6) / events,
        redisUs: ((s.redisCpuSeconds - prev.redisCpuSeconds) * 1e6) / events,
        rate: events / ((s.atMs - prev.atMs) / 1000),
        rssMiB: s.rssBytes / 2 ** 20,
      };
    });
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) throw new Error('the soak took no sample');
    const ev = `${n.toLocaleString('en-US')} events, ${filled.messages.toLocaleString('en-US')} messages`;
    const perSegment = rows
      .map(
        (r) =>
          `${r.from.toLocaleString('en-US')}–${r.to.toLocaleString('en-US')}: ${r.cpuUs.toFixed(1)} µs, Redis ${r.redisUs.toFixed(1)} µs, ${r.rate.toFixed(0)} ev/s, ${r.rssMiB.toFixed(0)} MiB`,
      )
      .join('; ');
    notes.push(
      `soak: one aggregator over ${ev}; per segment (offsets applied) its process CPU per event, Redis CPU per event, events/s and RSS at the segment's end: ${perSegment}`,
    );
    process.stderr.write(`[bench] soak per segment: ${perSegment}\n`);
    const scenario = `soak (${ev}, 1 process, ${rows.length} segments)`;
    return [
      {
        scenario,
        metric: 'process CPU per event, first segment',
        value: first.cpuUs,
        unit: 'µs',
      },
      {
        scenario,
        metric: 'process CPU per event, last segment',
        value: last.cpuUs,
        baseline: first.cpuUs,
        ratio: last.cpuUs / first.cpuUs,
        unit: 'µs',
        goal: 'ratio <= 1.2 (last within 20 % of first)',
        met: last.cpuUs / first.cpuUs <= 1.2,
      },
      {
        scenario,
        metric: 'Redis CPU per event, last segment',
        value: last.redisUs,
        baseline: first.redisUs,
        ratio: last.redisUs / first.redisUs,
        unit: 'µs',
        goal: '<= 10 µs',
        met: last.redisUs <= 10,
        note: 'baseline: the first segment',
      },
      {
        scenario,
        metric: 'RSS after the last segment',
        value: last.rssMiB,
        baseline: first.rssMiB,
        ratio: last.rssMiB / first.rssMiB,
        unit: 'MiB',
        goal: 'flat (bounded by a setting)',
        note: 'baseline: RSS after the first segment; every segment in the notes',
      },
    ];
  } finally {
    await deleteAll(redis, keys);
    redis.disconnect();
    await admin.disconnect().catch(() => undefined);
    await deleteTopics(kafka, [topics.events, topics.eventsDeadLetter]);
    await dropBenchDatabase(env);
  }
}
