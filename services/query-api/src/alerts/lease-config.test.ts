/** The lease settings are validated at start: defaults, bounds, and renewals well within the TTL. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@tally/config';
import { queryApiConfigSchema } from '../config.ts';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/tally',
  CREDENTIALS_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
};
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(queryApiConfigSchema, { ...base, ...env });
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.problems : [String(err)];
  }
};

describe('alert lease config', () => {
  it('defaults to a 2 s lease renewed every 500 ms', () => {
    const c = loadConfig(queryApiConfigSchema, base);
    expect([c.ALERT_LEADER_LEASE_TTL_MS, c.ALERT_LEADER_RENEW_MS]).toEqual([2000, 500]);
  });

  it('accepts a renewal period of a third of the TTL, and refuses a longer one', () => {
    expect(problems({ ALERT_LEADER_LEASE_TTL_MS: '3000', ALERT_LEADER_RENEW_MS: '1000' })).toEqual([]);
    expect(problems({ ALERT_LEADER_LEASE_TTL_MS: '3000', ALERT_LEADER_RENEW_MS: '1001' })).toEqual([
      'ALERT_LEADER_RENEW_MS: must be at most a third of ALERT_LEADER_LEASE_TTL_MS (3000)',
    ]);
  });

  it('bounds the TTL to 1 s … 60 s', () => {
    expect(problems({ ALERT_LEADER_LEASE_TTL_MS: '999', ALERT_LEADER_RENEW_MS: '100' })).toHaveLength(1);
    expect(problems({ ALERT_LEADER_LEASE_TTL_MS: '60001' })).toHaveLength(1);
    expect(problems({ ALERT_LEADER_LEASE_TTL_MS: 'soon' })).toHaveLength(1);
  });
});
