/**
 * The one place that opens Redis connections: a standalone `Redis`, or an ioredis `Cluster` when
 * seed nodes are configured (REDIS_CLUSTER_NODES). Everything else takes a `RedisClient` and keeps
 * to what both allow — every multi-key command, script, MULTI and pipeline on one hash slot
 * (batch.ts splits the ones that are not), key scans over every master (scan.ts).
 */
import { once } from 'node:events';
import { Cluster, Redis } from 'ioredis';
import calculateSlot from 'cluster-key-slot';

export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /**
   * Standalone: `redis[s]://[user:password@]host:port[/db]`. In cluster mode (nodes set) only its
   * credentials and TLS (`rediss:`) are used, for every node; host and db are not.
   */
  REDIS_URL?: string | undefined;
  /** Seed nodes ("host:port") of a Redis Cluster; set = cluster mode. */
  REDIS_CLUSTER_NODES?: string[] | undefined;
}

export interface RedisClientOptions {
  lazyConnect?: boolean;
  /** Per command while disconnected (ioredis' maxRetriesPerRequest); null = wait for ever. */
  maxRetriesPerRequest?: number | null;
  /** Delay before reconnect attempt n, ms. */
  retryDelay?: (attempt: number) => number;
}

export class RedisTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisTargetError';
  }
}

const NODE = /^([^:\s]+):(\d{1,5})$/;

function parseNode(s: string): { host: string; port: number } {
  const m = NODE.exec(s.trim());
  if (!m?.[1] || !m[2]) throw new RedisTargetError(`REDIS_CLUSTER_NODES: "${s}" is not host:port`);
  return { host: m[1], port: Number(m[2]) };
}

/** The credentials and TLS of a Redis URL, for every node of a cluster. */
function credentials(url: string | undefined): { username?: string; password?: string; tls?: object } {
  if (!url) return {};
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

export function createRedisClient(target: RedisTarget, opts: RedisClientOptions = {}): RedisClient {
  const retry = opts.retryDelay ?? ((n: number) => Math.min(n * 200, 2000));
  const nodes = (target.REDIS_CLUSTER_NODES ?? []).filter((s) => s.trim() !== '');
  const maxRetriesPerRequest = opts.maxRetriesPerRequest === undefined ? 20 : opts.maxRetriesPerRequest;
  if (nodes.length === 0) {
    if (!target.REDIS_URL)
      throw new RedisTargetError('set REDIS_URL (standalone Redis) or REDIS_CLUSTER_NODES (Redis Cluster)');
    return new Redis(target.REDIS_URL, {
      lazyConnect: opts.lazyConnect ?? false,
      maxRetriesPerRequest,
      enableAutoPipelining: false,
      retryStrategy: retry,
    });
  }
  return new Cluster(nodes.map(parseNode), {
    lazyConnect: opts.lazyConnect ?? false,
    enableAutoPipelining: false,
    // Every read from the master of its slot: replicas lag, and readers bracket by the epoch.
    scaleReads: 'master',
    clusterRetryStrategy: retry,
    redisOptions: { maxRetriesPerRequest, ...credentials(target.REDIS_URL) },
  });
}

/** Resolves once the client (and, for a cluster, its slot map) is ready; connects a lazy one. */
export async function ready(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'wait') await redis.connect();
  else await once(redis, 'ready');
}

/** The connections to run a per-node command on (SCAN, INFO, FLUSHDB …): every master, or the one. */
export async function masters(redis: RedisClient): Promise<Redis[]> {
  if (!isCluster(redis)) return [redis];
  await ready(redis);
  return redis.nodes('master');
}

/** The hash slot of a key (Redis Cluster's CRC16 of the hash tag, or of the whole key). */
export function slotOf(key: string | Buffer): number {
  return calculateSlot(key);
}
