/**
 * The admin CLI: `pnpm tally <command>`.
 *
 *   migrate                                   apply pending Postgres migrations
 *   tenant create <id> [--name N] [--key K]   create a tenant and print a new API key (shown once)
 *   key create <tenant>                       add another API key to a tenant
 *   credentials set <tenant> <provider> --field value … [--grace 24h]
 *                                             set a tenant's provider webhook credentials (sealed
 *                                             with CREDENTIALS_KEY); the replaced ones stay valid
 *                                             for the grace period (default 24h, 0 = at once).
 *                                             Setting the values already stored changes nothing.
 *
 * Reads DATABASE_URL. --key installs a known key (the demo seed); otherwise a random one is made.
 */
import { parseArgs } from 'node:util';
import { isUnchanged } from './credentials-diff.ts';
import { parseFieldArgs } from './field-args.ts';
import { z } from 'zod';
import { loadConfig, postgresEnv } from '@tally/config';
import { addApiKey, createPool, createTenant, findTenant, migrate, type Pool } from '@tally/db';
import {
  isProviderName,
  loadCredentials,
  parseCredentialsKey,
  parseDuration,
  PROVIDER_NAMES,
  setCredentials,
} from '@tally/ingest';

const USAGE = `usage:
  pnpm tally migrate
  pnpm tally tenant create <id> [--name <name>] [--key <api key>] [--if-missing]
  pnpm tally key create <tenant>
  pnpm tally credentials set <tenant> <provider> --<field> <value> ... [--grace 24h]
    twilio:   --auth-token
    whatsapp: --app-secret --verify-token
    vonage:   --signature-secret [--signature-method md5hash|md5|sha1|sha256|sha512] [--account-currency EUR]
    infobip:  --secret [--auth-mode bearer|basic|query]`;

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

async function setProviderCredentials(
  pool: Pool,
  tenant: string,
  provider: string,
  options: Record<string, string>,
): Promise<number> {
  if (!isProviderName(provider)) {
    console.error(`unknown provider ${provider}: one of ${PROVIDER_NAMES.join(', ')}`);
    return 2;
  }
  const { CREDENTIALS_KEY } = loadConfig(z.object({ CREDENTIALS_KEY: z.string() }), process.env);
  const { grace, ...rest } = options;
  const graceMs = parseDuration(grace ?? '24h');
  const fields = Object.fromEntries(Object.entries(rest).map(([k, v]) => [camel(k), v]));
  await migrate(pool);
  const key = parseCredentialsKey(CREDENTIALS_KEY);
  const current = await loadCredentials(pool, key, tenant, provider);
  if (isUnchanged(provider, current.stored?.current, fields)) {
    console.log(`${provider} credentials of ${tenant} unchanged`);
    return 0;
  }
  const saved = await setCredentials(pool, key, tenant, provider, fields, graceMs);
  // Secrets are never echoed: only which fields are set.
  console.log(
    `${provider} credentials set for ${tenant}: ${Object.keys(saved).join(', ')} (previous valid ${graceMs / 1000}s)`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'credentials') return credentialsCommand(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, key: { type: 'string' }, 'if-missing': { type: 'boolean' } },
  });
  const [cmd, sub, arg] = positionals;
  const config = loadConfig(z.object(postgresEnv), process.env);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 1, applicationName: 'tally-cli' });
  try {
    if (cmd === 'migrate') {
      const applied = await migrate(pool);
      console.log(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    if (cmd === 'tenant' && sub === 'create' && arg) {
      await migrate(pool);
      if (await findTenant(pool, arg)) {
        if (!values['if-missing']) {
          console.error(`tenant ${arg} already exists`);
          return 1;
        }
      } else {
        await createTenant(pool, arg, values.name ?? arg);
      }
      const key = await addApiKey(pool, arg, { ...(values.key ? { key: values.key } : {}), label: 'cli' });
      console.log(`tenant ${arg}\napi key ${key}`);
      return 0;
    }
    if (cmd === 'key' && sub === 'create' && arg) {
      if (!(await findTenant(pool, arg))) {
        console.error(`no tenant ${arg}`);
        return 1;
      }
      console.log(`api key ${await addApiKey(pool, arg, { label: 'cli' })}`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await pool.end();
  }
}

/** `credentials set` takes provider-specific --field options. */
async function credentialsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFieldArgs(argv);
  const [, sub, tenant, provider] = positionals;
  if (sub !== 'set' || !tenant || !provider) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(z.object(postgresEnv), process.env);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 1, applicationName: 'tally-cli' });
  try {
    return await setProviderCredentials(pool, tenant, provider, values);
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
