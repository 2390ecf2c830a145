import { describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_WINDOWS as W, keepHorizonMs, messageRetentionMs } from '../state/event.ts';
import type { RecipientRec } from '../state/recipient.ts';
import { mayRetire } from './sweep.ts';

const TTL = 92 * 86_400_000;
const keepMessage = messageRetentionMs(W);
const keepEvent = Math.min(keepMessage, keepHorizonMs(W));
const rec = (r: Partial<RecipientRec>): RecipientRec => ({
  tenant: 't',
  recipientId: 'r1',
  messageIds: ['m1'],
  events: [],
  newestAt: 1000,
  live: {},
  oldestAt: 1000,
  ...r,
});

describe('mayRetire: whether a sweep must read a recipient whole', () => {
  it('not while every message is within its retention of the bound', () => {
    expect(mayRetire(rec({}), 1000 + keepMessage, W, TTL)).toBe(false);
    expect(mayRetire(rec({}), 1001 + keepMessage, W, TTL)).toBe(true);
  });
  it('always when the bound or the live summary is unknown', () => {
    expect(mayRetire(rec({ oldestAt: undefined }), 1000, W, TTL)).toBe(true);
    expect(mayRetire(rec({ live: undefined }), 1000, W, TTL)).toBe(true);
  });
  it('when an event may be past the shorter of its keeps', () => {
    const events: RecipientRec['events'] = [{ digest: 'h', type: 'opted_out', t: 5000, channel: 'sms' }];
    expect(mayRetire(rec({ events }), 5000 + keepEvent, W, TTL)).toBe(false);
    expect(mayRetire(rec({ events }), 5001 + keepEvent, W, TTL)).toBe(true);
  });
  it('an empty record past its time to live, and not before', () => {
    const empty = rec({ messageIds: [], oldestAt: undefined });
    expect(mayRetire(empty, 1000 + TTL, W, TTL)).toBe(false);
    expect(mayRetire(empty, 1001 + TTL, W, TTL)).toBe(true);
  });
});
