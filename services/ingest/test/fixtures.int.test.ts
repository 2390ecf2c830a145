/**
 * Every provider fixture (test/fixtures/*.json), sent exactly as it arrives on the wire:
 * the answer has the fixture's status, and the canonical events read back from the real Kafka
 * topic match its `expect` (each expected event matched by one published event, any order; a
 * wamid as its pseudonym), name the recipients of the body, and are keyed by their recipient.
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

/** The people each publishing fixture names (the raw addresses in its body). */
const RECIPIENTS: Record<string, string[]> = {
  'infobip-sms-reports.json': ['41790000001', '41790000002', '41790000003'],
  'twilio-inbound-stop.json': ['+15005550009'],
  'twilio-status-delivered.json': ['+15005550009'],
  'twilio-status-undelivered.json': ['+15005550009'],
  'vonage-sms-dlr-delivered.json': ['447700900001'],
  'whatsapp-inbound-reply.json': ['15550000009'],
  'whatsapp-statuses-batch.json': ['15550000009', '15550000008', '15550000007'],
  'whatsapp-user-preferences-stop.json': ['15550000009'],
};

describe('shared provider fixtures', () => {
  let iso: IngestHarness['iso'];
  let deps: IngestHarness['deps'];
  let app: IngestHarness['app'];
  let reader: IngestHarness['reader'];

  beforeAll(async () => {
    ({ iso, deps, app, reader } = await startIngestHarness(
      'fix',
      { PUBLIC_BASE_URL: 'https://tally.example.com' },
      // Signed wire samples: their dates are part of the signed bytes, and they are only read
      // back from the topic here (never counted, so never late).
      { allowFixedDates: 'signed provider samples, read back from the topic only' },
    ));
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
      // WhatsApp message ids are pseudonymized (they embed the number): the fixture's wamid, mapped.
      const mapped =
        typeof fields.messageId === 'string'
          ? { ...fields, messageId: deps.pseudonymizer.ids('demo', fields.messageId) }
          : fields;
      expect(mine).toContainEqual(expect.objectContaining(objectMatcher(mapped)));
    }
    for (const e of mine) {
      expect(e.tenantId).toBe('demo');
      expect(JSON.stringify(e)).not.toMatch(/5005550009|15550000009|447700900001|41790000001|wamid\./);
    }
    // Every receipt carries its recipient, and its record is keyed by it.
    const people = RECIPIENTS[f.name];
    expect(people, `RECIPIENTS lists ${f.name}`).toBeDefined();
    const want = new Set(
      (people ?? []).map(
        (a) => deps.pseudonymizer.recipient('demo', a, mine[0]?.channel ?? 'sms')?.recipientId,
      ),
    );
    expect(new Set(mine.map((e) => e.recipientId))).toEqual(want);
    for (const e of mine) expect(reader.keys.get(e.eventId)).toBe(`demo r ${e.recipientId}`);
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
