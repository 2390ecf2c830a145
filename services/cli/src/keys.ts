/**
 * `tally tenant list`, `tally key list|revoke|rotate <tenant>`: what an operator does to tenants'
 * API keys without SQL. Keys are named by id and prefix (never shown again after creation); every
 * change is audited in Postgres with its actor (@tally/db api-keys.ts). A revocation reaches every
 * ingest and query-api replica at once (they LISTEN for it); see docs/operations.md.
 */
import { hostname, userInfo } from 'node:os';
import {
  findTenant,
  listApiKeys,
  listTenants,
  revokeApiKeys,
  rotateApiKeys,
  type ApiKeyInfo,
  type Pool,
} from '@tally/db';

export interface KeyCommandOptions {
  actor?: string | undefined;
  all?: boolean | undefined;
  graceMs?: number | undefined;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Who is acting: --actor, else TALLY_ACTOR, else the OS user at this host. */
export function actorOf(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const actor = given ?? env.TALLY_ACTOR;
  if (actor && actor.trim() !== '') return actor.trim().slice(0, 200);
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `${user}@${hostname()}`;
}

/** Rows as aligned columns, the header first. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const iso = (d: Date | null) => (d ? d.toISOString() : '-');

function keyState(k: ApiKeyInfo, now: number): string {
  if (!k.revokedAt) return 'active';
  return k.revokedAt.getTime() > now ? `active until ${iso(k.revokedAt)}` : `revoked ${iso(k.revokedAt)}`;
}

export async function tenantList(pool: Pool, o: KeyCommandOptions = {}): Promise<number> {
  const out = o.out ?? console.log;
  const tenants = await listTenants(pool);
  for (const l of table(
    ['TENANT', 'NAME', 'CREATED', 'ACTIVE KEYS'],
    tenants.map((t) => [t.id, t.name, iso(t.createdAt), String(t.activeKeys)]),
  ))
    out(l);
  return 0;
}

async function knownTenant(pool: Pool, tenant: string, o: KeyCommandOptions): Promise<boolean> {
  if (await findTenant(pool, tenant)) return true;
  (o.err ?? console.error)(`no tenant ${tenant}`);
  return false;
}

export async function keyList(pool: Pool, tenant: string, o: KeyCommandOptions = {}): Promise<number> {
  if (!(await knownTenant(pool, tenant, o))) return 1;
  const out = o.out ?? console.log;
  const now = Date.now();
  const keys = await listApiKeys(pool, tenant);
  for (const l of table(
    ['ID', 'PREFIX', 'LABEL', 'CREATED', 'STATE'],
    keys.map((k) => [k.id, `${k.prefix}…`, k.label ?? '-', iso(k.createdAt), keyState(k, now)]),
  ))
    out(l);
  return 0;
}

/** Key ids as given, or 'all' with --all; undefined (and a message) when neither or both. */
function targets(ids: string[], o: KeyCommandOptions, allByDefault: boolean): string[] | 'all' | undefined {
  const err = o.err ?? console.error;
  if (ids.some((id) => !/^\d{1,18}$/.test(id))) {
    err(`key ids are numbers (tally key list <tenant> shows them): ${ids.join(' ')}`);
    return undefined;
  }
  if (o.all && ids.length > 0) {
    err('give key ids or --all, not both');
    return undefined;
  }
  if (o.all || (allByDefault && ids.length === 0)) return 'all';
  if (ids.length === 0) {
    err('which keys? give their ids (tally key list <tenant>) or --all');
    return undefined;
  }
  return ids;
}

export async function keyRevoke(
  pool: Pool,
  tenant: string,
  ids: string[],
  o: KeyCommandOptions = {},
): Promise<number> {
  const which = targets(ids, o, false);
  if (which === undefined) return 2;
  if (!(await knownTenant(pool, tenant, o))) return 1;
  const revoked = await revokeApiKeys(pool, tenant, which, { actor: actorOf(o.actor) });
  if (revoked.length === 0) {
    (o.err ?? console.error)(`no live key of ${tenant} matched`);
    return 1;
  }
  (o.out ?? console.log)(`revoked key${revoked.length > 1 ? 's' : ''} ${revoked.join(', ')} of ${tenant}`);
  return 0;
}

export async function keyRotate(
  pool: Pool,
  tenant: string,
  ids: string[],
  o: KeyCommandOptions = {},
): Promise<number> {
  const which = targets(ids, o, true);
  if (which === undefined) return 2;
  if (!(await knownTenant(pool, tenant, o))) return 1;
  const graceMs = o.graceMs ?? 24 * 3_600_000;
  const r = await rotateApiKeys(pool, tenant, which, { actor: actorOf(o.actor), graceMs });
  const out = o.out ?? console.log;
  out(`api key ${r.key}`);
  out(
    `new key ${r.id} of ${tenant}; ${
      r.revoked.length === 0
        ? 'no old key to revoke'
        : `key${r.revoked.length > 1 ? 's' : ''} ${r.revoked.join(', ')} ${
            graceMs === 0 ? 'revoked now' : `revoked in ${graceMs / 1000} s`
          }`
    }`,
  );
  return 0;
}
