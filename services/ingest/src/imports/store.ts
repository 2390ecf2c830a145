/**
 * Imports in Postgres (infra/migrations/0031_imports.sql): one row per import, one per part. A
 * part is recorded once (its answer kept), so a retried upload of it publishes nothing; a part is
 * taken under a share lock of its import's row and a close under an exclusive one, so no part is
 * published into an import that is closing. What the aggregator did with the events is read from
 * Redis (`P:t:{T}:imp:<id>`, written in the aggregator's fenced commits).
 */
import type { Pool, PoolClient } from '@tally/db';

export interface PartAnswer {
  part: number;
  accepted: number;
  rejected: number;
  published: number;
  issues: LineIssue[];
}

export interface LineIssue {
  /** 1-based line of the part. */
  line: number;
  path: string;
  message: string;
}

export interface ImportTotals {
  state: 'open' | 'closed';
  parts: number;
  accepted: number;
  rejected: number;
  published: number;
  openedAt: string;
  closedAt: string | null;
}

/** Opens the import if new; its state, with a share lock held until the transaction ends. */
export async function openShared(c: PoolClient, tenant: string, id: string): Promise<'open' | 'closed'> {
  await c.query('INSERT INTO imports (tenant_id, import_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    tenant,
    id,
  ]);
  const { rows } = await c.query<{ state: 'open' | 'closed' }>(
    'SELECT state FROM imports WHERE tenant_id = $1 AND import_id = $2 FOR SHARE',
    [tenant, id],
  );
  return rows[0]?.state ?? 'open';
}

/**
 * The recorded answer of a part, if it was recorded; its body's digest tells a retry from another
 * body. Holds a transaction lock on (tenant, import, part) until the caller's transaction ends, so
 * two concurrent uploads of one part publish it once: the second waits and finds it recorded.
 */
export async function recordedPart(
  c: PoolClient,
  tenant: string,
  id: string,
  part: number,
): Promise<(PartAnswer & { digest: string }) | undefined> {
  // (two parts sharing a key only wait for each other: the key need not be unique)
  await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2 || ' ' || $3, 0))", [
    tenant,
    id,
    String(part),
  ]);
  const { rows } = await c.query<Omit<PartAnswer, 'part'> & { digest: string }>(
    `SELECT accepted, rejected, published, issues, digest FROM import_parts
      WHERE tenant_id = $1 AND import_id = $2 AND part = $3`,
    [tenant, id, part],
  );
  const r = rows[0];
  return r ? { part, ...r } : undefined;
}

/** Records a part (its number is locked by recordedPart for the transaction). */
export async function recordPart(
  c: PoolClient,
  tenant: string,
  id: string,
  a: PartAnswer,
  digest: string,
): Promise<void> {
  await c.query(
    `INSERT INTO import_parts (tenant_id, import_id, part, accepted, rejected, published, issues, digest)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [tenant, id, a.part, a.accepted, a.rejected, a.published, JSON.stringify(a.issues), digest],
  );
}

export async function importTotals(
  q: Pool | PoolClient,
  tenant: string,
  id: string,
  lock = false,
): Promise<ImportTotals | undefined> {
  const head = await q.query<{ state: 'open' | 'closed'; opened_at: Date; closed_at: Date | null }>(
    `SELECT state, opened_at, closed_at FROM imports WHERE tenant_id = $1 AND import_id = $2
     ${lock ? 'FOR UPDATE' : ''}`,
    [tenant, id],
  );
  const h = head.rows[0];
  if (!h) return undefined;
  const { rows } = await q.query<{ parts: string; accepted: string; rejected: string; published: string }>(
    `SELECT count(*) AS parts, coalesce(sum(accepted), 0) AS accepted,
            coalesce(sum(rejected), 0) AS rejected, coalesce(sum(published), 0) AS published
       FROM import_parts WHERE tenant_id = $1 AND import_id = $2`,
    [tenant, id],
  );
  const s = rows[0];
  return {
    state: h.state,
    parts: Number(s?.parts ?? 0),
    accepted: Number(s?.accepted ?? 0),
    rejected: Number(s?.rejected ?? 0),
    published: Number(s?.published ?? 0),
    openedAt: h.opened_at.toISOString(),
    closedAt: h.closed_at?.toISOString() ?? null,
  };
}

export async function closeImport(c: PoolClient, tenant: string, id: string): Promise<void> {
  await c.query(
    `UPDATE imports SET state = 'closed', closed_at = now()
      WHERE tenant_id = $1 AND import_id = $2 AND state = 'open'`,
    [tenant, id],
  );
}
