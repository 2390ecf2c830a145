/**
 * Load from the demo generator (@tally/demo): realistic, signed provider traffic and sender
 * events at a fixed offered rate, in a child process pinned to a CPU of its own (like
 * lib/load.ts), with provider credentials seeded for the tenant it targets. It prints one JSON
 * summary (RunStats) when done.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createPool } from '@tally/db';
import type { DemoCredentials, RunStats } from '@tally/demo';
import { parseCredentialsKey, setCredentials } from '@tally/ingest';
import { ROOT, type BenchEnv } from './processes.ts';

const secret = () => randomBytes(12).toString('hex');

/** Random credentials for all four providers, stored for `tenant` in the run's database. */
export async function seedCredentials(env: BenchEnv, tenant: string): Promise<DemoCredentials> {
  const creds: DemoCredentials = {
    twilio: { authToken: secret() },
    whatsapp: { appSecret: secret(), verifyToken: secret() },
    vonage: { signatureSecret: secret(), signatureMethod: 'sha256' },
    infobip: { secret: secret(), authMode: 'bearer' },
  };
  const pool = createPool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    const key = parseCredentialsKey(env.CREDENTIALS_KEY ?? '');
    for (const provider of ['twilio', 'whatsapp', 'vonage', 'infobip'] as const) {
      await setCredentials(pool, key, tenant, provider, { ...creds[provider] }, 0);
    }
  } finally {
    await pool.end();
  }
  return creds;
}

export interface DemoLoadOptions {
  ingestUrl: string;
  publicBaseUrl: string;
  tenant: string;
  apiKey: string;
  credentials: DemoCredentials;
  scenario: string;
  /** Offered canonical events per second. */
  rate: number;
  durationS: number;
  concurrency: number;
  cpu?: string;
}

export function runDemoLoad(o: DemoLoadOptions): Promise<RunStats> {
  const args = [`${ROOT}packages/demo/dist/main.js`, '--json', '--seed', `bench-${secret()}`];
  const [cmd, argv] = o.cpu
    ? ['taskset', ['-c', o.cpu, process.execPath, ...args]]
    : [process.execPath, args];
  const env = {
    ...process.env,
    INGEST_URL: o.ingestUrl,
    QUERY_URL: '',
    PUBLIC_BASE_URL: o.publicBaseUrl,
    TENANT: o.tenant,
    API_KEY: o.apiKey,
    DEMO_SCENARIO: o.scenario,
    DEMO_RATE: String(o.rate),
    DEMO_DURATION_S: String(o.durationS),
    DEMO_CONCURRENCY: String(o.concurrency),
    DEMO_TWILIO_AUTH_TOKEN: o.credentials.twilio.authToken,
    DEMO_WHATSAPP_APP_SECRET: o.credentials.whatsapp.appSecret,
    DEMO_WHATSAPP_VERIFY_TOKEN: o.credentials.whatsapp.verifyToken,
    DEMO_VONAGE_SIGNATURE_SECRET: o.credentials.vonage.signatureSecret,
    DEMO_VONAGE_SIGNATURE_METHOD: o.credentials.vonage.signatureMethod,
    DEMO_INFOBIP_SECRET: o.credentials.infobip.secret,
    DEMO_INFOBIP_AUTH_MODE: o.credentials.infobip.authMode,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => {
      // Exit code 1 means some request was refused: the summary says which, the scenario decides.
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as RunStats);
      } catch {
        reject(
          new Error(`the demo generator printed no summary (exit ${child.exitCode}): ${out.slice(0, 300)}`),
        );
      }
    });
  });
}
