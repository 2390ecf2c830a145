/**
 * The admin CLI: `pnpm tally <command>`.
 *
 *   migrate                                   apply pending Postgres migrations
 *   tenant create <id> [--name N] [--key K]   create a tenant and print a new API key (shown once)
 *   tenant list                               tenants with their number of live keys
 *   key create <tenant>                       add another API key to a tenant
 *   key list <tenant>                         its keys: id, prefix, label, created, state
 *   key revoke <tenant> <id>… | --all         revoke now (every ingest/query-api replica at once)
 *   key rotate <tenant> [<id>…] [--grace 24h] a new key; the old ones (default: all live) revoked
 *                                             after the grace period (0 = at once)
 *   credentials set <tenant> <provider> --field value … [--grace 24h]
 *                                             set a tenant's provider webhook credentials (sealed
 *                                             with CREDENTIALS_KEY); the replaced ones stay valid
 *                                             for the grace period (default 24h, 0 = at once).
 *                                             Setting the values already stored changes nothing.
 *
 *   import <file.ndjson> --key K [--url U] [--id I] [--part-size N] [--first-part N] [--no-close]
 *                                             a tenant's history through ingest's import route
 *                                             (import.ts; U defaults to INGEST_URL, else
 *                                             http://127.0.0.1:3001); progress on stdout
 *
 * Reads DATABASE_URL (not for import). --key installs a known key (the demo seed); otherwise a random one is made.
 * Changes to tenants, keys and credentials are audited in Postgres (admin_audit) under --actor,
 * else TALLY_ACTOR, else user@host; never the key itself.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isUnchanged } from './credentials-diff.ts';
import { parseFieldArgs } from './field-args.ts';
import { runImport } from './import.ts';
import { actorOf, keyList, keyRevoke, keyRotate, tenantList } from './keys.ts';
import { z } from 'zod';
import { loadConfig, postgresEnv } from '@tally/config';
import { audit, createPool, createTenant, findTenant, insertApiKey, migrate, type Pool } from '@tally/db';
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
  pnpm tally tenant list
  pnpm tally key create <tenant>
  pnpm tally key list <tenant>
  pnpm tally key revoke <tenant> <key id>... | --all
  pnpm tally key rotate <tenant> [<key id>...] [--grace 24h]
  (every change is audited under --actor <who>, else TALLY_ACTOR, else user@host)
  pnpm tally import <file.ndjson> --key <api key> [--url <ingest url>] [--id <import id>] [--part-size 5000] [--first-part 0] [--no-close]
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
  const { grace, actor, ...rest } = options;
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
  await audit(pool, {
    actor: actorOf(actor),
    action: 'credentials.set',
    tenantId: tenant,
    keyId: null,
    detail: { provider, fields: Object.keys(saved), graceMs },
  });
  // Secrets are never echoed: only which fields are set.
  console.log(
    `${provider} credentials set for ${tenant}: ${Object.keys(saved).join(', ')} (previous valid ${graceMs / 1000}s)`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'credentials') return credentialsCommand(argv);
  if (argv[0] === 'import') return importCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      key: { type: 'string' },
      'if-missing': { type: 'boolean' },
      actor: { type: 'string' },
      all: { type: 'boolean' },
      grace: { type: 'string' },
    },
  });
  const [cmd, sub, arg, ...rest] = positionals;
  const actor = actorOf(values.actor);
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
        await audit(pool, { actor, action: 'tenant.create', tenantId: arg, keyId: null, detail: {} });
      }
      const added = await insertApiKey(pool, arg, {
        ...(values.key ? { key: values.key } : {}),
        label: 'cli',
      });
      if (added.id) await auditKeyCreated(pool, actor, arg, added);
      console.log(`tenant ${arg}\napi key ${added.key}`);
      return 0;
    }
    if (cmd === 'tenant' || cmd === 'key') await migrate(pool);
    if (cmd === 'tenant' && sub === 'list') return await tenantList(pool);
    if (cmd === 'key' && sub === 'create' && arg) {
      if (!(await findTenant(pool, arg))) {
        console.error(`no tenant ${arg}`);
        return 1;
      }
      const added = await insertApiKey(pool, arg, { label: 'cli' });
      await auditKeyCreated(pool, actor, arg, added);
      console.log(`api key ${added.key}`);
      return 0;
    }
    if (cmd === 'key' && sub === 'list' && arg) return await keyList(pool, arg);
    if (cmd === 'key' && sub === 'revoke' && arg)
      return await keyRevoke(pool, arg, rest, { actor, all: values.all });
    if (cmd === 'key' && sub === 'rotate' && arg)
      return await keyRotate(pool, arg, rest, {
        actor,
        all: values.all,
        graceMs: parseDuration(values.grace ?? '24h'),
      });
    console.error(USAGE);
    return 2;
  } finally {
    await pool.end();
  }
}

function auditKeyCreated(
  pool: Pool,
  actor: string,
  tenant: string,
  added: { key: string; id?: string | undefined },
) {
  return audit(pool, {
    actor,
    action: 'key.create',
    tenantId: tenant,
    keyId: added.id ?? null,
    detail: { prefix: added.key.slice(0, 8) },
  });
}

async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      url: { type: 'string' },
      id: { type: 'string' },
      'part-size': { type: 'string' },
      'first-part': { type: 'string' },
      'no-close': { type: 'boolean' },
    },
  });
  // ./tally runs from the repository: a relative path is the caller's
  const file =
    positionals[0] === undefined ? undefined : resolve(process.env.TALLY_CALLER_DIR ?? '.', positionals[0]);
  const key = values.key ?? process.env.TALLY_API_KEY;
  const partSize = Number(values['part-size'] ?? 5000);
  const firstPart = Number(values['first-part'] ?? 0);
  if (
    !file ||
    !key ||
    !Number.isInteger(partSize) ||
    partSize < 1 ||
    !Number.isInteger(firstPart) ||
    firstPart < 0
  ) {
    console.error(USAGE);
    return 2;
  }
  const s = await runImport({
    file,
    key,
    url: (values.url ?? process.env.INGEST_URL ?? 'http://127.0.0.1:3001').replace(/\/+$/, ''),
    importId: values.id,
    partSize,
    firstPart,
    close: !values['no-close'],
    log: (line) => console.log(line),
  });
  console.log(
    `${s.importId}: ${s.accepted} accepted, ${s.rejected} rejected, ${s.published} published; ` +
      `${s.applied ?? '?'} applied, ${s.duplicate ?? '?'} duplicate, ${s.late ?? '?'} late; ${s.state}`,
  );
  return s.rejected > 0 ? 1 : 0;
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
