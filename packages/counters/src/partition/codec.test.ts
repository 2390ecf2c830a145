import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbEventSet } from '@tally/model';
import { toEv } from '../state/event.ts';
import { mergeOwnEvent, newMessage, type MessageRec } from '../state/message.ts';
import { addMessageId, addRecipientEvent, newRecipient, type RecipientRec } from '../state/recipient.ts';
import {
  decodeLoose,
  decodeMessage,
  decodeRecipient,
  encodeLoose,
  encodeMessage,
  encodeRecipient,
  placementOf,
} from './codec.ts';

describe('record codec', () => {
  it('gives back every message, recipient and loose record it encodes', () => {
    fc.assert(
      fc.property(arbEventSet({ tenants: 1 }), (set) => {
        const messages = new Map<string, MessageRec>();
        const recipients = new Map<string, RecipientRec>();
        for (const c of set.events) {
          const e = toEv(c, c.arrivalMs);
          if (e.message) {
            const m = messages.get(e.message) ?? newMessage(e);
            mergeOwnEvent(m, e);
            messages.set(e.message, m);
          } else if (e.recipient) {
            const r = recipients.get(e.recipient) ?? newRecipient(e.tenant, e.recipient, e.t);
            addRecipientEvent(r, e);
            for (const id of messages.keys()) addMessageId(r, id, e.t);
            r.frozen = {
              optedOutOf: ['c1'],
              optedOutOfSenders: ['+1'],
              heldOutOf: ['c2'],
              heldOutConflicts: ['c3'],
              controlConversionsIn: ['c2'],
              controlRevenue: { c2: { EUR: 5 } },
            };
            r.audience = {
              received: 3,
              receivedByDay: { sms: { '20000': 2 } },
              lastClicks: [[e.t, 'c1', 'm1']],
              allConversions: 2,
              allRevenue: { EUR: 7 },
              holds: 1,
            };
            recipients.set(e.recipient, r);
          }
        }
        for (const m of messages.values()) {
          m.frozenBits = 32;
          m.frozenReplies = [m.channel[0] + 5];
          if (m.messageId.endsWith('1')) {
            m.frozenOptOut = 1;
            m.frozenRevenue = [
              ['EUR', 120_000],
              ['USD', 5],
            ];
          }
          const field = `${m.tenant} ${m.messageId}`;
          expect(decodeMessage(field, encodeMessage({ rec: m }))).toEqual({ rec: m });
          expect(placementOf(encodeMessage({ rec: m }))).toBe(m.recipient ? 'placed' : 'none');
          expect(placementOf(encodeMessage({ rec: m, anon: [] }))).toBe('held');
          expect(decodeMessage(field, encodeMessage({ rec: m, anon: [[1, '{}']] }))).toEqual({
            rec: m,
            anon: [[1, '{}']],
          });
        }
        // bot clicks are kept apart from people's, and come back as they went
        const kinds = [...messages.values()].flatMap((m) => [m.clicks ? 'clk' : '', m.botClicks ? 'bk' : '']);
        if (set.events.some((e) => e.messageId && e.clickClass === 'bot')) expect(kinds).toContain('bk');
        for (const r of recipients.values())
          expect(decodeRecipient(`${r.tenant} ${r.recipientId}`, encodeRecipient(r))).toEqual(r);
      }),
      { numRuns: 100 },
    );
    const loose = {
      ev: {
        tenant: 't',
        digest: 'abc',
        type: 'converted' as const,
        t: 5,
        channel: 'push' as const,
        campaign: 'c1',
        value: [10, 'EUR'] as [number, string],
      },
    };
    expect(decodeLoose('t abc', encodeLoose(loose))).toEqual(loose);
    const bot = {
      ev: {
        tenant: 't',
        digest: 'b',
        type: 'clicked' as const,
        t: 5,
        channel: 'sms' as const,
        campaign: 'c1',
        bot: 1 as const,
      },
    };
    expect(decodeLoose('t b', encodeLoose(bot))).toEqual(bot);
    // a record written before bot clicks existed decodes as before (no new positions)
    expect(decodeMessage('t m', '[2,1,1000,0]').rec).toEqual({
      tenant: 't',
      messageId: 'm',
      ownBits: 1,
      channel: [1000, 'sms'],
      newestAt: 1000,
    });
    expect(decodeLoose('t late:x', encodeLoose({ late: { type: 'opened', until: 9 } }))).toEqual({
      late: { type: 'opened', until: 9 },
    });
  });
});
