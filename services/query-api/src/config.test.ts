import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@tally/config';
import { queryApiConfigSchema } from './config.ts';

const BASE = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/tally',
  CREDENTIALS_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
};

describe('queryApiConfigSchema: the limits of issue 12', () => {
  it('defaults every limit', () => {
    expect(loadConfig(queryApiConfigSchema, BASE)).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_CONNECTION_TIMEOUT_MS: 60_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
      TRUST_PROXY_HOPS: 0,
      BODY_LIMIT_BYTES: 64 * 1024,
      PG_CONNECT_TIMEOUT_MS: 2000,
      HEAVY_READ_CONCURRENCY: 4,
      HEAVY_READ_QUEUE: 16,
      HEAVY_READ_WAIT_MS: 2000,
      HEAVY_STATEMENT_TIMEOUT_MS: 5000,
      API_KEY_CACHE_MS: 10_000,
      API_KEY_NEGATIVE_CACHE_MS: 5000,
      AUTH_FAILURES_PER_MINUTE: 30,
      ALERT_STREAMS_PER_TENANT: 10,
    });
  });

  it.each([
    ['HEAVY_READ_CONCURRENCY', '0'],
    ['HEAVY_READ_CONCURRENCY', '65'],
    ['HEAVY_READ_QUEUE', '-1'],
    ['HEAVY_STATEMENT_TIMEOUT_MS', 'soon'],
    ['API_KEY_NEGATIVE_CACHE_MS', '600000'],
    ['ALERT_STREAMS_PER_TENANT', '0'],
    ['HTTP_REQUEST_TIMEOUT_MS', '50'],
    ['HTTP_HEADERS_TIMEOUT_MS', '40000'],
  ])('refuses %s=%s, naming it', (name, value) => {
    try {
      loadConfig(queryApiConfigSchema, { ...BASE, [name]: value });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.join('\n')).toContain(name);
    }
  });
});
