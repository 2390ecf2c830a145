import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkHttpEnv,
  checkRedisEnv,
  ConfigError,
  envBoolean,
  httpEnv,
  kafkaEnv,
  loadConfig,
  port,
  redactConfig,
  redisEnv,
} from './index.ts';

const schema = z.object({ ...kafkaEnv, PORT: port.default(3000), FLAG: envBoolean.default(false) });

describe('loadConfig', () => {
  it('parses, coerces and defaults', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9093', PORT: '8080', FLAG: 'false' })).toEqual({
      KAFKA_BROKERS: ['a:9092', 'b:9093'],
      KAFKA_CLIENT_ID: 'tally',
      KAFKA_TOPIC_SUFFIX: '',
      PORT: 8080,
      FLAG: false,
    });
  });
  it('reads "true" and "1" as true and "false" as false', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:1', FLAG: 'true' }).FLAG).toBe(true);
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:1', FLAG: '1' }).FLAG).toBe(true);
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:1', FLAG: 'false' }).FLAG).toBe(false);
  });
  it('names every bad variable', () => {
    try {
      loadConfig(schema, { KAFKA_BROKERS: 'nohost', PORT: 'x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('KAFKA_BROKERS.0');
      expect(problems).toContain('PORT');
    }
  });
  it('redacts secrets', () => {
    expect(redactConfig({ DATABASE_URL: 'postgres://u:p@h/db', PORT: 1 })).toEqual({
      DATABASE_URL: '[redacted]',
      PORT: 1,
    });
  });
  it('defaults the HTTP server limits and refuses headers that may outlast the request', () => {
    const http = z.object(httpEnv).superRefine((c, ctx) => checkHttpEnv(c, ctx));
    expect(loadConfig(http, {})).toEqual({
      HOST: '0.0.0.0',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_CONNECTION_TIMEOUT_MS: 60_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
      TRUST_PROXY_HOPS: 0,
      BODY_LIMIT_BYTES: 1024 * 1024,
    });
    expect(() =>
      loadConfig(http, { HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig(http, { HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
  });
});

describe('redisEnv', () => {
  const redis = z.object(redisEnv).superRefine((c, ctx) => checkRedisEnv(c, ctx));
  it('takes a standalone URL or cluster seed nodes', () => {
    expect(loadConfig(redis, { REDIS_URL: 'redis://h:1' }).REDIS_URL).toBe('redis://h:1');
    expect(loadConfig(redis, { REDIS_CLUSTER_NODES: 'a:1, b:2' }).REDIS_CLUSTER_NODES).toEqual([
      'a:1',
      'b:2',
    ]);
  });
  it('refuses neither, and nodes that are not host:port, naming the variable', () => {
    expect(() => loadConfig(redis, {})).toThrow(/REDIS_URL: set REDIS_URL .* or REDIS_CLUSTER_NODES/);
    expect(() => loadConfig(redis, { REDIS_CLUSTER_NODES: 'a' })).toThrow(/REDIS_CLUSTER_NODES/);
  });
});
