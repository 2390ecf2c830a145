/**
 * Every shared provider fixture (shared/fixtures/*.json), sent exactly as it arrives on the wire:
 * the answer has the fixture's status, and the canonical events read back from the real Kafka
 * topic match its `expect` (each expected event matched by one published event, any order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tally/testing';
import {
  addTenantWithCredentials,
  fixtureRequest,
  loadFixtures,
  startIngestHarness,
  stopIngestHarness,
  type IngestHarness,
} from './helpers.ts';

const fixtures = loadFixtures();

describe('shared provider fixtures', () => {
  let iso: IngestHarness['iso'];
  let deps: IngestHarness['deps'];
  let app: IngestHarness['app'];
  let reader: IngestHarness['reader'];

  beforeAll(async () => {
    ({ iso, deps, app, reader } = await startIngestHarness('fix', {
      PUBLIC_BASE_URL: 'https://tally.example.com',
    }));
    await addTenantWithCredentials(deps, 'demo');
  });
  afterAll(() => stopIngestHarness({ iso, deps, app, reader }));

  it('found the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const before = reader.seen.length;
    const res = await app.inject(fixtureRequest(f));
    if (f.expectStatus !== undefined) expect(res.statusCode).toBe(f.expectStatus);
    else expect(res.statusCode).toBeGreaterThanOrEqual(200);
    expect(res.statusCode < 300 || f.expectStatus !== undefined).toBe(true);
    if (f.expectBody !== undefined) expect(res.body).toBe(f.expectBody);
    if (f.expect.length === 0) {
      // Nothing may be published: give a stray event time to show up, then check.
      await new Promise((r) => setTimeout(r, 500));
      expect(reader.seen.length).toBe(before);
      return;
    }
    const mine = await eventually(
      () => Promise.resolve(reader.seen.slice(before)),
      (s) => s.length >= f.expect.length,
    );
    for (const want of f.expect) {
      const { note: _note, ...fields } = want;
      expect(mine).toContainEqual(expect.objectContaining(objectMatcher(fields)));
    }
    for (const e of mine) {
      expect(e.tenantId).toBe('demo');
      expect(JSON.stringify(e)).not.toMatch(/5005550009|15550000009|447700900001|41790000001/);
    }
  });
});

/** Nested expected objects (cost) matched partially too. */
function objectMatcher(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [
      k,
      typeof v === 'object' && v !== null ? expect.objectContaining(v as Record<string, unknown>) : v,
    ]),
  );
}
