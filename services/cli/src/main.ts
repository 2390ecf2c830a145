/**
 * The admin CLI: `pnpm tally <command>`.
 *
 *   migrate                                   apply pending Postgres migrations
 *   tenant create <id> [--name N] [--key K]   create a tenant and print a new API key (shown once)
 *   key create <tenant>                       add another API key to a tenant
 *
 * Reads DATABASE_URL. --key installs a known key (the demo seed); otherwise a random one is made.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, postgresEnv } from '@tally/config';
import { addApiKey, createPool, createTenant, findTenant, migrate } from '@tally/db';

const USAGE = `usage:
  pnpm tally migrate
  pnpm tally tenant create <id> [--name <name>] [--key <api key>] [--if-missing]
  pnpm tally key create <tenant>`;

async function main(argv: string[]): Promise<number> {
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
