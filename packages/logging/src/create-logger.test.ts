import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('tags the service and redacts secrets and phone numbers', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info(
      {
        req: { headers: { authorization: 'Bearer tly_x' } },
        body: { From: '+15005550006' },
        cfg: { secret: 's' },
      },
      'request_received',
    );
    expect(lines[0]).toMatchObject({
      service: 'test',
      level: 'info',
      msg: 'request_received',
      req: { headers: { authorization: '[redacted]' } },
      body: { From: '[redacted]' },
      cfg: { secret: '[redacted]' },
    });
  });

  it('logs request URLs without their query string (phone numbers, tokens)', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info(
      { req: { method: 'GET', url: '/webhooks/vonage/acme?msisdn=447700900001&secret=s3' } },
      'incoming_request',
    );
    expect(lines[0]?.req).toEqual({ method: 'GET', url: '/webhooks/vonage/acme' });
    expect(JSON.stringify(lines)).not.toContain('447700900001');
  });
});
