/**
 * The dashboard's types of query-api's answers are generated, not copied: query-api's route
 * schemas (zod, the same ones that validate and serialize every answer) → the OpenAPI document it
 * serves at /docs → TypeScript (openapi-typescript) → src/api/openapi.gen.ts. src/api/types.ts
 * only names parts of it. `pnpm --filter @tally/dashboard gen:api` rewrites the file;
 * test/api-types.int.test.ts fails when it is not what the schemas give today.
 *
 * The document is read from a query-api app built on addresses nothing listens on (building
 * registers the routes; nothing is served), or on the env a test gives.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { loadConfig } from '@tally/config';
import { createLogger } from '@tally/logging';
import { buildApp, closeDeps, createDeps, queryApiConfigSchema } from '@tally/query-api';

export const GENERATED = fileURLToPath(new URL('../src/api/openapi.gen.ts', import.meta.url));

const NOWHERE = {
  DATABASE_URL: 'postgres://openapi@127.0.0.1:9/none',
  REDIS_URL: 'redis://127.0.0.1:9',
  CREDENTIALS_KEY: '0'.repeat(64),
};

/** query-api's OpenAPI document. */
export async function openApiDocument(env: Record<string, string> = NOWHERE): Promise<object> {
  const { KAFKA_BROKERS: _none, ...rest } = env;
  const config = loadConfig(queryApiConfigSchema, { ...rest, ALERTS_ENABLED: 'false' });
  const deps = createDeps(config, createLogger({ service: 'openapi', level: 'silent' }));
  try {
    const app = await buildApp(deps);
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return doc;
  } finally {
    await closeDeps(deps);
  }
}

/** The text of src/api/openapi.gen.ts for that document. */
export async function apiTypesSource(doc: object): Promise<string> {
  const body = astToString(await openapiTS(doc as Parameters<typeof openapiTS>[0], { alphabetize: true }));
  const text = `/**
 * GENERATED from query-api's route schemas (its OpenAPI document) by scripts/api-types.ts:
 * \`pnpm --filter @tally/dashboard gen:api\`. Do not edit; name what the dashboard reads in types.ts.
 */
${body}`;
  return format(text, { ...(await resolveConfig(GENERATED)), filepath: GENERATED });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED, await apiTypesSource(await openApiDocument()));
  console.log(`wrote ${GENERATED}`);
}
