/**
 * The failure taxonomy, every row of it (src/providers/failure-taxonomy.ts), through the real
 * routes: a signed failed receipt of each provider's real shape, carrying the row's code, becomes a
 * `failed` event on the topic with the row's class and `permanent` flag, its raw code kept, and the
 * carrier (MCC-MNC) where the provider reports one. Codes no row names land in `other`, code kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tally/testing';
import { FAILURE_TAXONOMY, type TaxonomyRow } from '../src/providers/failure-taxonomy.ts';
import {
  addTenantWithCredentials,
  FIXTURE_CREDENTIALS,
  startIngestHarness,
  stopIngestHarness,
  type IngestHarness,
} from './helpers.ts';
import {
  infobipFailed,
  twilioFailed,
  vonageFailed,
  whatsappFailed,
  type FailedReceipt,
  type SignedRequest,
} from './failed-receipts.ts';

const C = FIXTURE_CREDENTIALS;
const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

interface Case {
  name: string;
  request: (r: FailedReceipt) => SignedRequest;
  recipient: string;
  eventPrefix: string;
  expect: { errorCode: string; failureClass: string; permanent: boolean; carrier?: string };
}

let n = 0;
function caseOf(row: TaxonomyRow): Case | undefined {
  const code = row.code ?? (row.prefix !== undefined ? `${row.prefix}001` : '');
  const permanent = row.permanent ?? false;
  const tag = `${row.provider}:${code || `group ${row.infobipGroup}`}`;
  n++;
  switch (row.provider) {
    case 'twilio':
      return {
        name: tag,
        request: (r) => twilioFailed('acme', C.twilio.authToken, r, code),
        recipient: '+15005550009',
        eventPrefix: 'twilio:',
        expect: { errorCode: code, failureClass: row.failureClass, permanent },
      };
    case 'whatsapp':
      return {
        name: tag,
        request: (r) => whatsappFailed('acme', C.whatsapp.appSecret, r, code),
        recipient: '15550000009',
        eventPrefix: 'wa:',
        expect: { errorCode: code, failureClass: row.failureClass, permanent },
      };
    case 'vonage':
      return {
        name: tag,
        request: (r) => vonageFailed('acme', C.vonage.signatureSecret, r, code, { networkCode: '23415' }),
        recipient: '447700900001',
        eventPrefix: 'vonage:',
        expect: {
          errorCode: code,
          failureClass: row.failureClass,
          permanent,
          carrier: '23415',
        },
      };
    case 'infobip': {
      const ibPermanent = row.infobipPermanent ?? n % 2 === 0;
      const name = code || `EC_TEST_GROUP_${row.infobipGroup}`;
      return {
        name: `${tag} permanent=${ibPermanent}`,
        request: (r) =>
          infobipFailed('acme', C.infobip.secret, r, {
            groupId: row.infobipGroup ?? 1,
            groupName: 'HANDSET_ERRORS',
            id: 500 + n,
            name,
            permanent: ibPermanent,
          }),
        recipient: '41790000001',
        eventPrefix: 'infobip:',
        expect: { errorCode: name, failureClass: row.failureClass, permanent: ibPermanent, carrier: '22801' },
      };
    }
    default:
      return undefined;
  }
}

const tableCases = FAILURE_TAXONOMY.map(caseOf).filter((c): c is Case => c !== undefined);
const ib = (name: string, groupId: number, permanent: boolean) => ({
  groupId,
  groupName: 'X',
  id: 777,
  name,
  permanent,
});
const extraCases: Case[] = [
  {
    name: 'twilio: an unknown code is other, code kept',
    request: (r) => twilioFailed('acme', C.twilio.authToken, r, '39999'),
    recipient: '+15005550009',
    eventPrefix: 'twilio:',
    expect: { errorCode: '39999', failureClass: 'other', permanent: false },
  },
  {
    name: 'whatsapp: an unknown code is other, code kept',
    request: (r) => whatsappFailed('acme', C.whatsapp.appSecret, r, '999999'),
    recipient: '15550000009',
    eventPrefix: 'wa:',
    expect: { errorCode: '999999', failureClass: 'other', permanent: false },
  },
  {
    name: 'vonage: status expired is expired whatever the err-code',
    request: (r) => vonageFailed('acme', C.vonage.signatureSecret, r, '2', { status: 'expired' }),
    recipient: '447700900001',
    eventPrefix: 'vonage:',
    expect: { errorCode: '2', failureClass: 'expired', permanent: false, carrier: '23410' },
  },
  {
    name: 'vonage: an unknown err-code is other, code kept',
    request: (r) => vonageFailed('acme', C.vonage.signatureSecret, r, '77'),
    recipient: '447700900001',
    eventPrefix: 'vonage:',
    expect: { errorCode: '77', failureClass: 'other', permanent: false, carrier: '23410' },
  },
  {
    name: 'infobip: status group EXPIRED is expired, Infobip’s permanent flag kept',
    request: (r) =>
      infobipFailed('acme', C.infobip.secret, r, ib('EC_ABSENT_SUBSCRIBER', 1, false), { statusGroup: 4 }),
    recipient: '41790000001',
    eventPrefix: 'infobip:',
    expect: {
      errorCode: 'EC_ABSENT_SUBSCRIBER',
      failureClass: 'expired',
      permanent: false,
      carrier: '22801',
    },
  },
  {
    name: 'infobip: an unknown group is other, name kept',
    request: (r) =>
      infobipFailed('acme', C.infobip.secret, r, ib('EC_FROM_THE_FUTURE', 9, true), { mccMnc: '310260' }),
    recipient: '41790000001',
    eventPrefix: 'infobip:',
    expect: { errorCode: 'EC_FROM_THE_FUTURE', failureClass: 'other', permanent: true, carrier: '310260' },
  },
];

describe('the failure taxonomy through the real routes', () => {
  let h: IngestHarness;

  beforeAll(async () => {
    h = await startIngestHarness('tax');
    await addTenantWithCredentials(h.deps, 'acme');
  });
  afterAll(() => stopIngestHarness(h));

  it('has a row for every class but other that a provider can name', () => {
    const classes = new Set(FAILURE_TAXONOMY.map((r) => r.failureClass));
    expect([...classes].sort()).toEqual(
      [
        'blocked_or_opted_out',
        'carrier_filtered',
        'invalid_number',
        'not_capable',
        'other',
        'policy',
        'rate_limited',
        'registration',
        'unreachable',
      ].sort(),
    );
    // A row marked unsure always says other.
    for (const r of FAILURE_TAXONOMY) if (r.unsure) expect(r.failureClass).toBe('other');
  });

  it.each([...tableCases, ...extraCases].map((c, i) => [c.name, c, i] as const))('%s', async (_n, c, i) => {
    const messageId = `TAX${i}x${Date.now() % 100000}`;
    const res = await h.app.inject(c.request({ messageId, recipient: c.recipient, campaign: 'tax', at: T }));
    expect(res.statusCode).toBe(200);
    const events = await eventually(
      () =>
        Promise.resolve(
          h.reader.seen.filter(
            (e) =>
              e.type === 'failed' && e.eventId.startsWith(c.eventPrefix) && e.eventId.includes(messageId),
          ),
        ),
      (l) => l.length > 0,
      { timeoutMs: 10_000 },
    );
    const e = events[0];
    if (!e) throw new Error('no event');
    expect({
      errorCode: e.errorCode,
      failureClass: e.failureClass,
      permanent: e.permanent,
      ...(e.carrier === undefined ? {} : { carrier: e.carrier }),
    }).toEqual(c.expect);
    expect(e.campaignId).toBe('tax');
  });
});
