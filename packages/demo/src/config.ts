/**
 * The generator's configuration: command-line flags over environment variables, validated once at
 * start (STYLE: config in main, never at import). Secrets (the provider credentials the tenant was
 * seeded with) come from the environment only.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { envBoolean, loadConfig } from '@tally/config';
import { SCENARIO_NAMES } from './scenarios.ts';

const secret = z.string().min(1);
const url = z.url({ protocol: /^https?$/ }).transform((s) => s.replace(/\/+$/, ''));

export const demoConfigSchema = z
  .object({
    INGEST_URL: url.default('http://127.0.0.1:3001'),
    /** Where the KPI line is read; empty = no KPI line. */
    QUERY_URL: z.union([url, z.literal('')]).default('http://127.0.0.1:3002'),
    /** What ingest signs Twilio against (its PUBLIC_BASE_URL); defaults to INGEST_URL. */
    PUBLIC_BASE_URL: url.optional(),
    TENANT: z.string().min(1).default('demo'),
    API_KEY: secret,
    DEMO_SCENARIO: z.enum(SCENARIO_NAMES as [string, ...string[]]).default('demo'),
    /** Canonical events per second of the steady campaigns (spikes add their own bursts). */
    DEMO_RATE: z.coerce.number().positive().max(100_000).default(60),
    /** Seconds; 0 = until SIGINT/SIGTERM. */
    DEMO_DURATION_S: z.coerce.number().nonnegative().default(0),
    /** Default: random, so two runs never send the same ids. */
    DEMO_SEED: z.string().min(1).optional(),
    DEMO_SPIKE_EVERY_S: z.coerce.number().int().min(60).optional(),
    DEMO_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(32),
    /**
     * The tenant's global control group share, set at start (0 = leave the tenant's setting alone
     * and hold nobody out of every campaign); needs QUERY_URL. `./tally up` sets 0.05.
     */
    DEMO_GLOBAL_CONTROL_SHARE: z.coerce.number().min(0).max(0.5).default(0),
    /** Print one JSON summary at the end instead of KPI lines (the benchmark reads it). */
    DEMO_JSON: envBoolean.default(false),
    DEMO_TWILIO_AUTH_TOKEN: secret,
    DEMO_WHATSAPP_APP_SECRET: secret,
    DEMO_WHATSAPP_VERIFY_TOKEN: secret,
    DEMO_VONAGE_SIGNATURE_SECRET: secret,
    DEMO_VONAGE_SIGNATURE_METHOD: z.enum(['md5hash', 'md5', 'sha1', 'sha256', 'sha512']).default('sha256'),
    DEMO_INFOBIP_SECRET: secret,
    DEMO_INFOBIP_AUTH_MODE: z.enum(['bearer', 'basic', 'query']).default('bearer'),
  })
  .transform((c) => ({ ...c, PUBLIC_BASE_URL: c.PUBLIC_BASE_URL ?? c.INGEST_URL }));
export type DemoConfig = z.infer<typeof demoConfigSchema>;

const FLAGS = {
  scenario: 'DEMO_SCENARIO',
  rate: 'DEMO_RATE',
  duration: 'DEMO_DURATION_S',
  seed: 'DEMO_SEED',
  'spike-every': 'DEMO_SPIKE_EVERY_S',
  concurrency: 'DEMO_CONCURRENCY',
  'global-control': 'DEMO_GLOBAL_CONTROL_SHARE',
  ingest: 'INGEST_URL',
  query: 'QUERY_URL',
  tenant: 'TENANT',
} as const;

export const USAGE = `usage: node packages/demo/dist/main.js [--scenario ${SCENARIO_NAMES.join('|')}]
  [--rate events/s] [--duration s] [--seed s] [--spike-every s] [--concurrency n] [--json]
  [--global-control share]
  [--ingest url] [--query url] [--tenant id]
env: API_KEY, PUBLIC_BASE_URL and the seeded credentials DEMO_TWILIO_AUTH_TOKEN,
  DEMO_WHATSAPP_APP_SECRET, DEMO_WHATSAPP_VERIFY_TOKEN, DEMO_VONAGE_SIGNATURE_SECRET
  [DEMO_VONAGE_SIGNATURE_METHOD], DEMO_INFOBIP_SECRET [DEMO_INFOBIP_AUTH_MODE]`;

/** Flags override the environment; the result is validated as one config. */
export function parseDemoConfig(argv: string[], env: Record<string, string | undefined>): DemoConfig {
  const options: Record<string, { type: 'string' | 'boolean' }> = { json: { type: 'boolean' } };
  for (const flag of Object.keys(FLAGS)) options[flag] = { type: 'string' };
  const { values } = parseArgs({ args: argv, options });
  const merged: Record<string, string | undefined> = { ...env };
  for (const [flag, name] of Object.entries(FLAGS)) {
    const v: unknown = values[flag];
    if (typeof v === 'string') merged[name] = v;
  }
  if (values.json === true) merged.DEMO_JSON = 'true';
  return loadConfig(demoConfigSchema, merged);
}
