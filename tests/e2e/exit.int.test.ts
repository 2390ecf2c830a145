/**
 * A process that cannot do its job exits non-zero (issue 12), so a supervisor restarts it rather
 * than leaving a live, idle process: the aggregator's database disappears under it, its batches
 * fail until the consumer gives up, and the process exits with a non-zero code.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, isolate, testServices, type Isolation } from '@tally/testing';
import { eventPublisher, spawnAggregator } from './aggregator-process.ts';

describe('a process that cannot do its job', () => {
  let iso: Isolation | undefined;
  afterAll(async () => {
    await iso?.cleanup();
  });

  it('exits non-zero when its consumer can no longer work', async () => {
    iso = await isolate('exit');
    const s = testServices();
    const db = await createTestDatabase(s.databaseUrl, s.templateDatabase);
    await db.pool.end();
    const child = spawnAggregator(iso, { DATABASE_URL: db.url, CONSUMER_RETRIES: '1' });
    const code = new Promise<number | null>((resolve) => child.child.once('exit', (c) => resolve(c)));
    const publisher = await eventPublisher(iso);
    await new Promise((r) => setTimeout(r, 4000));
    // The database goes away (connections terminated); then events arrive that need it.
    const admin = new pg.Client({ connectionString: s.databaseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE ${db.name} WITH (FORCE)`);
    await admin.end();
    await publisher.publish([
      {
        eventId: 'x1',
        tenantId: 'tx',
        type: 'sent',
        occurredAt: new Date().toISOString(),
        channel: 'sms',
        messageId: 'm1',
        campaignId: 'c',
      },
    ]);
    await publisher.close();
    const exited = await Promise.race([
      code,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000)),
    ]);
    if (exited === 'still running') await child.kill9();
    expect(exited).not.toBe('still running');
    expect(exited).not.toBe(0);
  }, 90_000);
});
