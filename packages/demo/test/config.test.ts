import { describe, expect, it } from 'vitest';
import { parseDemoConfig } from '../src/config.ts';

const ENV = {
  API_KEY: 'key',
  DEMO_TWILIO_AUTH_TOKEN: 't',
  DEMO_WHATSAPP_APP_SECRET: 'a',
  DEMO_WHATSAPP_VERIFY_TOKEN: 'v',
  DEMO_VONAGE_SIGNATURE_SECRET: 's',
  DEMO_INFOBIP_SECRET: 'i',
};

describe('parseDemoConfig', () => {
  it('takes defaults, then the environment, then flags', () => {
    const c = parseDemoConfig([], { ...ENV, DEMO_RATE: '120' });
    expect(c).toMatchObject({
      INGEST_URL: 'http://127.0.0.1:3001',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3001',
      TENANT: 'demo',
      DEMO_SCENARIO: 'demo',
      DEMO_RATE: 120,
      DEMO_DURATION_S: 0,
      DEMO_JSON: false,
      DEMO_VONAGE_SIGNATURE_METHOD: 'sha256',
      DEMO_INFOBIP_AUTH_MODE: 'bearer',
    });
    const f = parseDemoConfig(
      [
        '--scenario',
        'receipts-heavy',
        '--rate',
        '2000',
        '--duration',
        '30',
        '--json',
        '--ingest',
        'http://h:1/',
      ],
      { ...ENV, DEMO_RATE: '120', PUBLIC_BASE_URL: 'https://tally.example.com' },
    );
    expect(f).toMatchObject({
      DEMO_SCENARIO: 'receipts-heavy',
      DEMO_RATE: 2000,
      DEMO_DURATION_S: 30,
      DEMO_JSON: true,
      INGEST_URL: 'http://h:1',
      PUBLIC_BASE_URL: 'https://tally.example.com',
    });
  });

  it('names every missing secret and every bad value', () => {
    expect(() => parseDemoConfig(['--scenario', 'nope', '--rate=-1'], { API_KEY: 'key' })).toThrow(
      /DEMO_SCENARIO[\s\S]*DEMO_RATE[\s\S]*DEMO_TWILIO_AUTH_TOKEN[\s\S]*DEMO_INFOBIP_SECRET/,
    );
  });
});
