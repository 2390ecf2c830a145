/**
 * Benchmarks run every service as its own process, as in production, on resources of their own
 * (topic suffix, Redis prefix, database) so runs never mix with each other or with tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool, migrate } from '@tally/db';
import { createRedisClient, type RedisClient } from '@tally/redis';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchEnv extends Record<string, string> {
  KAFKA_BROKERS: string;
  REDIS_URL: string;
  /** "" = standalone Redis; else the seed nodes of a Redis Cluster (the services use it then). */
  REDIS_CLUSTER_NODES: string;
  DATABASE_URL: string;
  KAFKA_TOPIC_SUFFIX: string;
  REDIS_PREFIX: string;
  AGGREGATOR_GROUP_ID: string;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set: run the benchmarks through ./tally bench (it starts the stack)`);
  return v;
}

/** A client of the run's Redis (standalone or cluster), as the services would open it. */
export function benchRedis(env: BenchEnv): RedisClient {
  return createRedisClient({
    REDIS_URL: env.REDIS_URL,
    REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES.split(',').filter(Boolean),
  });
}

/** A database, topic suffix and key prefix of the run's own. */
export async function benchEnv(label: string): Promise<BenchEnv> {
  const id = `bench${label}${randomBytes(3).toString('hex')}`;
  const admin = required('DATABASE_URL');
  const db = `tally_bench_${id}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${db}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${db}`;
  const pool = createPool({ connectionString: url.toString(), max: 1 });
  await migrate(pool);
  await pool.end();
  return {
    KAFKA_BROKERS: required('KAFKA_BROKERS'),
    REDIS_URL: required('REDIS_URL'),
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? '',
    DATABASE_URL: url.toString(),
    KAFKA_TOPIC_SUFFIX: id,
    REDIS_PREFIX: id,
    AGGREGATOR_GROUP_ID: `aggregator-${id}`,
    PSEUDONYM_SECRET: 'bench-pseudonym-secret-0123456789',
    CREDENTIALS_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    PUBLIC_BASE_URL: 'https://tally.example.com',
    // The load generators are one tenant at thousands of requests a second: no per-tenant limit.
    RATE_LIMIT_PER_MINUTE: '1000000000',
    LOG_LEVEL: 'warn',
  };
}

export async function dropBenchDatabase(env: BenchEnv): Promise<void> {
  const name = new URL(env.DATABASE_URL).pathname.slice(1);
  if (!name.startsWith('tally_bench_')) throw new Error(`refusing to drop ${name}`);
  const client = new pg.Client({ connectionString: required('DATABASE_URL') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
}

export interface Running {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Peak RSS (VmHWM) per service script over the run, sampled when each process is stopped. */
export const peakRss = new Map<string, number>();

function vmHwmBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined; // not Linux, or already gone
  }
}

const READY_WITHIN_MS = 120_000;

/**
 * Starts `node <script>` with env — a compiled service (`services/<name>/dist/main.js`, as it
 * ships), or a TypeScript harness of the benchmark's own (`bench/lib/bare-server.ts`, run through
 * tsx) — and waits until GET /readyz answers 200.
 */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  port: number,
  cpu?: string,
  /** Extra node flags, e.g. --cpu-prof; BENCH_NODE_ARGS sets them for every service of a run. */
  nodeArgs: string[] = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
): Promise<Running> {
  const args = [...nodeArgs, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script];
  const [cmd, argv] = cpu ? ['taskset', ['-c', cpu, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', process.env.BENCH_VERBOSE === '1' ? 'inherit' : 'pipe', 'inherit'],
  });
  // the last log lines, drained as they come, for the error when the process never gets ready
  const tail: string[] = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    tail.push(...chunk.split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  });
  const lastLines = () => (tail.length === 0 ? '' : `; its last log lines:\n${tail.join('\n')}`);
  // generous: a CI machine that just ran the whole suite can be slow to hand out Kafka metadata
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}${lastLines()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // a process that comes up late must not outlive the run (it would load the next scenarios)
      child.kill('SIGKILL');
      throw new Error(`${script} not ready on :${port} after ${READY_WITHIN_MS / 1000} s${lastLines()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const rss = vmHwmBytes(child.pid);
      if (rss !== undefined) peakRss.set(script, Math.max(rss, peakRss.get(script) ?? 0));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** BENCH_PORT_BASE: the first port the run's services take (a machine shared by several runs). */
let nextPort = process.env.BENCH_PORT_BASE
  ? Number(process.env.BENCH_PORT_BASE)
  : 4100 + Math.floor(Math.random() * 500);
export function freePort(): number {
  return nextPort++;
}

/** Starts several processes at once (startup dominates quick runs); if one fails, stops the rest. */
export async function startAll(
  specs: { script: string; env: Record<string, string>; cpu?: string }[],
): Promise<Running[]> {
  const settled = await Promise.allSettled(
    specs.map((s) => startProcess(s.script, s.env, freePort(), s.cpu)),
  );
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    const started = settled.filter((s): s is PromiseFulfilledResult<Running> => s.status === 'fulfilled');
    await Promise.all(started.map((s) => s.value.stop()));
    throw failure.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<Running>).value);
}
