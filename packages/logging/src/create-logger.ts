/**
 * createLogger({ service }): plain pino, JSON to stdout, with redaction of everything that could
 * carry a secret or a phone number. Messages are stable snake_case strings; components use
 * `logger.child({ component })`.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.token',
  '*.recipient',
  '*.phone',
  '*.From',
  '*.To',
  '*.msisdn',
  'config.DATABASE_URL',
  'config.REDIS_URL',
  'config.PSEUDONYM_SECRET',
  'config.CREDENTIALS_KEY',
];

/**
 * Requests are logged without their query string: webhook URLs carry phone numbers (Vonage GET
 * receipts) and secrets (WhatsApp verify tokens, Infobip `?secret=`).
 */
export function serializeRequest(req: Record<string, unknown>): Record<string, unknown> {
  const url = typeof req.url === 'string' ? req.url.split('?')[0] : undefined;
  // A Fastify request (it has `raw`): the usual short shape. A plain object a caller logged: as given.
  if (req.raw === undefined) return { ...req, ...(url === undefined ? {} : { url }) };
  return { method: req.method, url, host: req.host, remoteAddress: req.ip };
}

export interface CreateLoggerOptions {
  service: string;
  level?: LoggerOptions['level'];
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
