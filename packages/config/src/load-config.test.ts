import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBoolean, kafkaEnv, loadConfig, port, redactConfig } from './index.ts';

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
});
