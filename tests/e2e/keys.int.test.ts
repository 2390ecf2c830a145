/**
 * Keys and tenants through the compiled CLI (`node services/cli/dist/main.js`): list, revoke and
 * rotate, each audited (who, when, which key by id — never the key). A revoked key is refused
 * (401) by every ingest and query-api replica within REVOCATION_MS, though each had it cached; a
 * rotated-out key works until its grace period ends, then no more.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '@tally/db';
import { loadConfig } from '@tally/config';
import { createLogger } from '@tally/logging';
import * as ingestSvc from '@tally/ingest';
import * as querySvc from '@tally/query-api';
import { startPipeline, type Pipeline } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The stated bound (docs/operations.md): a revocation is announced to every replica at once. */
const REVOCATION_MS = 2000;

interface Replica {
  name: string;
  /** The status of one authenticated request. */
  call(key: string): Promise<number>;
}

describe('tally key / tenant commands', () => {
  let p: Pipeline;
  const replicas: Replica[] = [];
  let closeSecondReplicas: () => Promise<void> = () => Promise.resolve();
  const cli = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['services/cli/dist/main.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: p.iso.env.DATABASE_URL, TALLY_ACTOR: 'ops@e2e' },
    });
    return stdout;
  };
  const keyOf = (stdout: string) => /api key (tly_\S+)/.exec(stdout)?.[1] ?? '';
  const statuses = (key: string) => Promise.all(replicas.map(async (r) => `${r.name}:${await r.call(key)}`));
  const codes = (key: string) => Promise.all(replicas.map((r) => r.call(key)));
  const event = (n: number) => ({
    eventId: `k-${n}`,
    type: 'sent',
    occurredAt: new Date().toISOString(),
    channel: 'sms',
    campaignId: 'c',
    messageId: `m-${n}`,
  });

  beforeAll(async () => {
    p = await startPipeline('keys');
    const logger = createLogger({ service: 'test-keys', level: 'silent' });
    // a second replica of each, with caches of their own
    const ingest2Deps = ingestSvc.createDeps(loadConfig(ingestSvc.ingestConfigSchema, p.iso.env), logger);
    await ingestSvc.connectKafka(ingest2Deps);
    const ingest2 = await ingestSvc.buildApp(ingest2Deps);
    const query2Deps = querySvc.createDeps(loadConfig(querySvc.queryApiConfigSchema, p.iso.env), logger);
    const query2 = await querySvc.buildApp(query2Deps);
    let n = 0;
    for (const [name, app] of [
      ['ingest-1', p.ingest],
      ['ingest-2', ingest2],
    ] as const)
      replicas.push({
        name,
        call: async (key) =>
          (
            await app.inject({
              method: 'POST',
              url: '/v1/events',
              headers: { authorization: `Bearer ${key}` },
              payload: { events: [event(n++)] },
            })
          ).statusCode,
      });
    for (const [name, app] of [
      ['query-1', p.query],
      ['query-2', query2],
    ] as const)
      replicas.push({
        name,
        call: async (key) =>
          (
            await app.inject({
              method: 'GET',
              url: '/v1/alerts',
              headers: { authorization: `Bearer ${key}` },
            })
          ).statusCode,
      });
    closeSecondReplicas = async () => {
      await ingest2.close();
      await ingestSvc.closeDeps(ingest2Deps);
      await query2.close();
      await querySvc.closeDeps(query2Deps);
    };
    await Promise.all([ingest2Deps.apiKeys.ready(), query2Deps.apiKeys.ready(), p.queryDeps.apiKeys.ready()]);
  }, 120_000);
  afterAll(async () => {
    await closeSecondReplicas();
    await p.stop();
  });

  it('revokes a key on every replica within the stated time, audited without the key', async () => {
    const created = await cli('tenant', 'create', 'acme');
    const key = keyOf(created);
    expect(key).toMatch(/^tly_/);
    expect(await statuses(key)).toEqual(['ingest-1:202', 'ingest-2:202', 'query-1:200', 'query-2:200']);

    const listed = await cli('key', 'list', 'acme');
    const id = /^(\d+)\s+tly_/m.exec(listed)?.[1] ?? '';
    expect(listed).toContain(`${key.slice(0, 8)}…`);
    expect(listed).not.toContain(key);
    expect(listed).toMatch(new RegExp(`^${id}\\s+\\S+\\s+cli\\s+\\S+\\s+active$`, 'm'));

    const revokedAt = Date.now();
    expect(await cli('key', 'revoke', 'acme', id)).toContain(`revoked key ${id} of acme`);
    let refused: string[] = [];
    while (Date.now() - revokedAt < REVOCATION_MS + 1000) {
      refused = await statuses(key);
      if (refused.every((s) => s.endsWith(':401'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toEqual(['ingest-1:401', 'ingest-2:401', 'query-1:401', 'query-2:401']);
    expect(Date.now() - revokedAt).toBeLessThan(REVOCATION_MS);
    expect(await cli('key', 'list', 'acme')).toMatch(new RegExp(`^${id}\\s+.*\\s+revoked \\S+$`, 'm'));

    const { rows } = await p.iso.db.pool.query(
      "SELECT actor, action, tenant_id, key_id::text, detail FROM admin_audit WHERE tenant_id = 'acme' ORDER BY id",
    );
    expect(rows.map((r) => [r.actor, r.action, r.key_id])).toEqual([
      ['ops@e2e', 'tenant.create', null],
      ['ops@e2e', 'key.create', id],
      ['ops@e2e', 'key.revoke', id],
    ]);
    const audit = JSON.stringify(rows);
    expect(audit).not.toContain(key);
    expect(audit).not.toContain(hashApiKey(key));
  });

  it('rotates: the new key works at once, the old one until its grace period ends', async () => {
    const old = keyOf(await cli('key', 'create', 'acme'));
    expect(await statuses(old)).toEqual(['ingest-1:202', 'ingest-2:202', 'query-1:200', 'query-2:200']);
    const rotated = await cli('key', 'rotate', 'acme', '--grace', '3s');
    const fresh = keyOf(rotated);
    const graceEnds = Date.now() + 3000;
    expect(rotated).toMatch(/new key \d+ of acme; key \d+ revoked in 3 s/);
    expect(await codes(fresh)).toEqual([202, 202, 200, 200]);
    expect(await codes(old)).toEqual([202, 202, 200, 200]);
    await new Promise((r) => setTimeout(r, Math.max(0, graceEnds - Date.now()) + 100));
    expect(await codes(old)).toEqual([401, 401, 401, 401]);
    expect(await codes(fresh)).toEqual([202, 202, 200, 200]);

    const tenants = await cli('tenant', 'list');
    expect(tenants).toMatch(/^TENANT\s+NAME\s+CREATED\s+ACTIVE KEYS$/m);
    expect(tenants).toMatch(/^acme\s+acme\s+\S+\s+1$/m);
  });
});
