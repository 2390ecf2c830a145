import { describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { createRedisClient, isCluster, RedisTargetError, slotOf } from './index.ts';

describe('createRedisClient', () => {
  it('opens a standalone Redis from REDIS_URL, a Cluster when seed nodes are set', () => {
    const one = createRedisClient({ REDIS_URL: 'redis://127.0.0.1:1' }, { lazyConnect: true });
    const many = createRedisClient(
      { REDIS_URL: 'redis://u:p@ignored:1', REDIS_CLUSTER_NODES: ['127.0.0.1:1', '127.0.0.1:2'] },
      { lazyConnect: true },
    );
    expect(one).toBeInstanceOf(Redis);
    expect(isCluster(one)).toBe(false);
    expect(many).toBeInstanceOf(Cluster);
    expect(isCluster(many)).toBe(true);
    expect((many as Cluster).options.redisOptions).toMatchObject({ username: 'u', password: 'p' });
    one.disconnect();
    many.disconnect();
  });
  it('names what is missing or malformed', () => {
    expect(() => createRedisClient({})).toThrow(RedisTargetError);
    expect(() => createRedisClient({ REDIS_CLUSTER_NODES: ['nohost'] })).toThrow(/host:port/);
  });
});

describe('slotOf', () => {
  it('honours hash tags, so a scope or partition keeps to one slot', () => {
    expect(slotOf('tally:c:{t:c}:counts')).toBe(slotOf('tally:c:{t:c}:w:1'));
    expect(slotOf('tally:p:{events:0}:meta')).toBe(slotOf('t:c:{events:0}'));
    expect(slotOf('tally:epoch')).not.toBe(slotOf('tally:c:{t:c}:counts'));
  });
});
