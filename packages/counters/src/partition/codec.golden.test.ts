/**
 * The stored spelling, pinned: records with every field set, built through the fold API (so this
 * file names no in-memory field), encode to exactly these strings, and decode back to records
 * that encode to them again. Redis hashes and Postgres snapshots hold these bytes; a change here
 * is a storage format change and needs a migration, never an edit of the strings below.
 */
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../state/count-cluster.ts';
import { audienceRow, refoldLive } from '../state/audience.ts';
import { DEFAULT_TENANT_WINDOWS, type Ev } from '../state/event.ts';
import { mergeOwnEvent, newMessage, viewOf } from '../state/message.ts';
import { addMessageId, addRecipientEvent, newRecipient } from '../state/recipient.ts';
import { retireCluster } from '../state/retire.ts';
import { ev, H, T0 } from '../state/test-events.ts';
import {
  decodeLoose,
  decodeMessage,
  decodeRecipient,
  encodeLoose,
  encodeMessage,
  encodeRecipient,
  placementOf,
} from './codec.ts';

const DAY = 24 * H;
const windows = () => DEFAULT_TENANT_WINDOWS;
const ctx = { now: T0, minuteTtlSeconds: 26 * 3600, windows };

/** Applies events to one recipient's cluster, as the applier does. */
function apply(c: Cluster, events: Ev[]): Cluster {
  for (const e of events) {
    if (e.message) {
      const m = c.messages.get(e.message) ?? newMessage(e);
      mergeOwnEvent(m, { recipient: 'r1', ...e });
      c.messages.set(e.message, m);
      addMessageId(c.rec, e.message, e.t);
    } else addRecipientEvent(c.rec, e);
  }
  return c;
}

const money = (u: number, cur: string) => ({ u, cur });

/** One message with every own field: send, statuses, failure, effects of each kind. */
const ownEvents: Ev[] = [
  ev('a-sent', 'sent', 0, {
    message: 'm1',
    campaign: 'A',
    segment: 'vip',
    variant: 'b',
    sender: '+100',
    country: 'DE',
    carrier: '262-01',
    provider: 'twilio',
    cost: money(7_500, 'EUR'),
  }),
  ev('a-deliv', 'delivered', 60_000, { message: 'm1' }),
  ev('a-open', 'opened', 120_000, { message: 'm1' }),
  ev('a-fail', 'failed', 30_000, {
    message: 'm1',
    errorCode: '30003',
    failureClass: 'unreachable',
    permanent: true,
  }),
  ev('a-click', 'clicked', 180_000, { message: 'm1' }),
  ev('a-bot', 'clicked', 170_000, { message: 'm1', bot: true }),
  ev('a-reply', 'replied', 240_000, { message: 'm1' }),
  ev('a-conv', 'converted', 300_000, { message: 'm1', value: money(12_000, 'USD') }),
  ev('a-survey', 'survey_answered', 360_000, { message: 'm1', score: 9 }),
  ev('a-opt', 'opted_out', 420_000, { message: 'm1' }),
  ev('a-uninst', 'uninstalled', 430_000, { message: 'm1' }),
];

/** Recipient-level events with every kept field, and what retiring them leaves behind. */
const recipientEvents: Ev[] = [
  ev('b-sent', 'sent', 0, { message: 'm2', campaign: 'B', sender: '+200', channel: 'in_app' }),
  ev('b-deliv', 'delivered', 1_000, { message: 'm2', channel: 'in_app' }),
  ev('b-open', 'opened', 2_000, { message: 'm2', channel: 'in_app' }),
  ev('r-click', 'clicked', H, { channel: 'in_app' }),
  ev('r-bot', 'clicked', H + 1, { channel: 'in_app', bot: true }),
  ev('r-reply', 'replied', 2 * H, { channel: 'in_app', sender: '+200' }),
  ev('r-conv', 'converted', 3 * H, { channel: 'in_app', value: money(4_000, 'EUR'), cost: money(10, 'EUR') }),
  ev('r-opt', 'opted_out', 4 * H, { channel: 'in_app' }),
  ev('r-in', 'opted_in', 5 * H, { channel: 'in_app', campaign: 'B' }),
  ev('r-survey', 'survey_answered', 6 * H, { channel: 'in_app', score: 3 }),
  ev('r-held', 'held_out', 7 * H, { campaign: 'C' }),
  ev('r-hconv', 'converted', 8 * H, { value: money(900, 'GBP') }),
  ev('r-adopt', 'feature_adopted', 9 * H, { channel: 'in_app' }),
];

function scenario() {
  const later = ownEvents.map((e) => ({ ...e, t: e.t + 40 * DAY, arrival: e.arrival + 40 * DAY }));
  const c = apply({ rec: newRecipient('t', 'r1', T0), messages: new Map() }, later);
  const first = c.messages.get('m1');
  if (!first) throw new Error('m1 was not built');
  const m1 = encodeMessage({ rec: structuredClone(first) });
  apply(c, recipientEvents);
  // the batch keeps the live summary as it folds (batch.ts); this fold does not, so it refolds it
  refoldLive(c.rec, [...c.messages.values()].map(viewOf));
  const live = encodeRecipient(structuredClone(c.rec));
  // m2 and the recipient-level events retire; m1 stays live.
  const retired = retireCluster(c, T0 + 39 * DAY, ctx, 30 * DAY);
  const m2 = retired.messages.find((m) => encodeMessage({ rec: m }) !== m1);
  if (!m2 || retired.messages.length !== 1) throw new Error('m2 did not retire alone');
  return { m1, live, frozen: encodeRecipient(c.rec), m2: encodeMessage({ rec: m2 }), c };
}

/** What the fold API builds, as stored (String.raw: `\\u0000` is JSON's own escape). */
const GOLDEN = {
  m1: String.raw`[2,127,1799488800000,0,430000,[0,"r1"],[0,0,"A"],0,0,60000,120000,30000,[30000,"30003"],[0,"+100"],[0,"vip\u0000b\u0000+100\u0000DE"],[0,7500,"EUR"],[["2EtrjPMQpa3",180000]],[240000],[["vSVmAgC_FbE",300000,12000,"USD"]],[["acEVAFDalIl",360000,9]],[["cStPIrVCBPY",0,420000],["hfrqCgodQt3",1,430000]],null,null,null,null,null,[["rl329v559oy",170000]],null,null,[30000,"30003\u0000unreachable\u00001"],[0,"262-01"],[0,"twilio"],[0,"DE"]]`,
  live: String.raw`[4,1799489230000,["m1","m2"],[["V6Idt6S8Zjs",4,1796036400000,3],["qn7YbaP5ase",4,1796036400001,3,null,null,null,null,null,1],["UZwQ9XI-BNq",5,1796040000000,3,"+200"],["4L3gU9_L1k3",6,1796043600000,3,null,null,[4000,"EUR"],[10,"EUR"]],["KR7jxqYA2qO",7,1796047200000,3],["5obHSXejenU",8,1796050800000,3,null,"B"],["jz0dPz1GJhb",11,1796054400000,3,null,null,null,null,3],["xZM1k_qmqDk",12,1796058000000,0,null,"C"],["44OvklxDA04",6,1796061600000,0,null,null,[900,"GBP"]],["GQfA4tjT0N5",10,1796065200000,3]],[1796050800000,"in"],null,null,2,{"rd":{"sms":{"20827":1},"in_app":{"20787":1}},"n":2,"le":1799489040000,"lrp":1799489040000,"lc":[[1799488980000,"A","m1"]],"lr":{"sms":[[1799488800000,"A","m1"]],"in_app":[[1796032800000,"B","m2"]]},"cv":{"sms":1},"cr":{"sms:USD":12000},"ta":1,"tr":{"USD":12000}},1796032800000]`,
  frozen: String.raw`[4,1799489230000,["m1"],[],[1796050800000,"in"],{"oo":["B"],"so":["+200"],"ho":["C"],"fa":["B"],"io":["B"]},{"le":1796040000000,"lc":[[1796036400000,"B","m2"]],"lrp":1796040000000,"cv":{"in_app":1,"sms":1},"cr":{"in_app:EUR":4000,"sms:GBP":900},"ta":2,"tr":{"EUR":4000,"GBP":900},"ho":1,"rd":{"in_app":{"20787":1}},"n":1,"lr":{"in_app":[[1796032800000,"B","m2"]]}},2,{"rd":{"sms":{"20827":1}},"n":1,"le":1799489040000,"lrp":1799489040000,"lc":[[1799488980000,"A","m1"]],"lr":{"sms":[[1799488800000,"A","m1"]]},"cv":{"sms":1},"cr":{"sms:USD":12000},"ta":1,"tr":{"USD":12000}},1799489230000]`,
  m2: String.raw`[2,11,1796032800000,3,2000,[0,"r1"],[0,0,"B"],0,0,1000,2000,null,null,[0,"+200"],[0,"\u0000\u0000+200\u0000"],null,null,null,null,null,null,115,[7200000],3600000,10800000,null,null,1,[["EUR",4000],["GBP",900]]]`,
};

/**
 * What the fold API built before the live summary was kept (version 2): such records still read,
 * as records whose summary is unknown (the next row folded from every message sets it).
 */
const LEGACY = {
  live: String.raw`[2,1799489230000,["m1","m2"],[["V6Idt6S8Zjs",4,1796036400000,3],["qn7YbaP5ase",4,1796036400001,3,null,null,null,null,null,1],["UZwQ9XI-BNq",5,1796040000000,3,"+200"],["4L3gU9_L1k3",6,1796043600000,3,null,null,[4000,"EUR"],[10,"EUR"]],["KR7jxqYA2qO",7,1796047200000,3],["5obHSXejenU",8,1796050800000,3,null,"B"],["jz0dPz1GJhb",11,1796054400000,3,null,null,null,null,3],["xZM1k_qmqDk",12,1796058000000,0,null,"C"],["44OvklxDA04",6,1796061600000,0,null,null,[900,"GBP"]],["GQfA4tjT0N5",10,1796065200000,3]],[1796050800000,"in"]]`,
  frozen: String.raw`[2,1799489230000,["m1"],[],[1796050800000,"in"],{"oo":["B"],"so":["+200"],"ho":["C"],"fa":["B"],"io":["B"]},{"le":1796040000000,"lc":[[1796036400000,"B","m2"]],"lrp":1796040000000,"cv":{"in_app":1,"sms":1},"cr":{"in_app:EUR":4000,"sms:GBP":900},"ta":2,"tr":{"EUR":4000,"GBP":900},"ho":1,"rd":{"in_app":{"20787":1}},"n":1,"lr":{"in_app":[[1796032800000,"B","m2"]]}}]`,
};

/**
 * What the fold API built before a recipient kept `oldestAt` (position 9): such records still
 * read, as records whose bound is unknown (retirement reads them whole and sets it).
 */
const BEFORE_OLDEST = {
  live: String.raw`[4,1799489230000,["m1","m2"],[["V6Idt6S8Zjs",4,1796036400000,3],["qn7YbaP5ase",4,1796036400001,3,null,null,null,null,null,1],["UZwQ9XI-BNq",5,1796040000000,3,"+200"],["4L3gU9_L1k3",6,1796043600000,3,null,null,[4000,"EUR"],[10,"EUR"]],["KR7jxqYA2qO",7,1796047200000,3],["5obHSXejenU",8,1796050800000,3,null,"B"],["jz0dPz1GJhb",11,1796054400000,3,null,null,null,null,3],["xZM1k_qmqDk",12,1796058000000,0,null,"C"],["44OvklxDA04",6,1796061600000,0,null,null,[900,"GBP"]],["GQfA4tjT0N5",10,1796065200000,3]],[1796050800000,"in"],null,null,2,{"rd":{"sms":{"20827":1},"in_app":{"20787":1}},"n":2,"le":1799489040000,"lrp":1799489040000,"lc":[[1799488980000,"A","m1"]],"lr":{"sms":[[1799488800000,"A","m1"]],"in_app":[[1796032800000,"B","m2"]]},"cv":{"sms":1},"cr":{"sms:USD":12000},"ta":1,"tr":{"USD":12000}}]`,
  frozen: String.raw`[4,1799489230000,["m1"],[],[1796050800000,"in"],{"oo":["B"],"so":["+200"],"ho":["C"],"fa":["B"],"io":["B"]},{"le":1796040000000,"lc":[[1796036400000,"B","m2"]],"lrp":1796040000000,"cv":{"in_app":1,"sms":1},"cr":{"in_app:EUR":4000,"sms:GBP":900},"ta":2,"tr":{"EUR":4000,"GBP":900},"ho":1,"rd":{"in_app":{"20787":1}},"n":1,"lr":{"in_app":[[1796032800000,"B","m2"]]}},2,{"rd":{"sms":{"20827":1}},"n":1,"le":1799489040000,"lrp":1799489040000,"lc":[[1799488980000,"A","m1"]],"lr":{"sms":[[1799488800000,"A","m1"]]},"cv":{"sms":1},"cr":{"sms:USD":12000},"ta":1,"tr":{"USD":12000}}]`,
};

/** Every position and key the fold API above leaves unset, written by hand in the stored spelling. */
const HAND = {
  message: String.raw`[2,3,1000,2,50,[1,"r9"],[1,5,"Z"],2,3,4,6,7,[7,"e1"],[8,"+9"],[9,"s\u0000v\u0000+9\u0000FR"],[10,3,"USD"],[["k1",11]],[12,13],[["c1",14,5,"EUR"]],[["s1",15,4]],[["o1",0,16],["u1",1,17],["f1",2,18]],96,[19],20,21,[[30,"{\"e\":1}"]],[["b1",22]],1,[["EUR",6]],[7,"e1\u0000blocked\u00000"],[23,"208-01"],[24,"sinch"],[25,"FR"]]`,
  recipient: String.raw`[2,99,["m1"],[["h1",3,5,1,"+1","C",[2,"EUR"],[1,"USD"],7,1]],[4,"out"],{"oo":["A"],"un":["B"],"fa":["C"],"io":["D"],"so":["+1"],"ho":["E"],"hx":["F"],"hc":["G"],"hv":{"G":{"EUR":5}}},{"rd":{"sms":{"1":2}},"n":2,"le":9,"lrp":8,"lc":[[7,"A","m1"]],"lr":{"sms":[[6,"A","m1"]]},"cv":{"sms":1},"cr":{"sms:EUR":3},"ta":4,"tr":{"EUR":5},"ho":6}]`,
  loose: String.raw`[2,0,"h2",6,5,2,"+2","C2",[10,"EUR"],[1,"USD"],4,1]`,
  late: String.raw`[2,1,"opened",9]`,
};

describe('stored record spelling (golden)', () => {
  it('records built by the fold API encode to the pinned strings', () => {
    const s = scenario();
    expect(s.m1).toBe(GOLDEN.m1);
    expect(s.live).toBe(GOLDEN.live);
    expect(s.frozen).toBe(GOLDEN.frozen);
    expect(s.m2).toBe(GOLDEN.m2);
  });

  it('pinned strings decode to records that encode to the same bytes', () => {
    for (const [id, s] of [
      ['m1', GOLDEN.m1],
      ['m2', GOLDEN.m2],
      ['m9', HAND.message],
    ] as const) {
      const decoded = decodeMessage(`t ${id}`, s);
      expect(encodeMessage(decoded)).toBe(s);
      expect(encodeMessage(structuredClone(decoded))).toBe(s);
    }
    expect(placementOf(HAND.message)).toBe('held');
    expect(decodeMessage('t m9', HAND.message).anon).toEqual([[30, '{"e":1}']]);
    for (const s of [
      GOLDEN.live,
      GOLDEN.frozen,
      BEFORE_OLDEST.live,
      BEFORE_OLDEST.frozen,
      LEGACY.live,
      LEGACY.frozen,
      HAND.recipient,
    ])
      expect(encodeRecipient(structuredClone(decodeRecipient('t r1', s)))).toBe(s);
    expect(encodeLoose(decodeLoose('t h2', HAND.loose))).toBe(HAND.loose);
    expect(encodeLoose(decodeLoose('t late:x', HAND.late))).toBe(HAND.late);
  });

  it('a recipient record says whether its recipient part is known (version 3) and non-empty', () => {
    const known = String.raw`[3,99,["m1"],[],null,null,null,1]`;
    const empty = String.raw`[3,99,["m1"],[]]`;
    expect(decodeRecipient('t r1', known).recipientPart).toBe(true);
    expect(decodeRecipient('t r1', empty).recipientPart).toBe(false);
    expect(decodeRecipient('t r1', LEGACY.live).recipientPart).toBeUndefined();
    for (const s of [known, empty]) expect(encodeRecipient(decodeRecipient('t r1', s))).toBe(s);
  });

  it('a recipient record keeps its live summary (version 4): known, null, or unknown before it', () => {
    const shared = String.raw`[4,99,["m1"],[],null,null,null,null,0]`;
    const unknownPart = String.raw`[4,99,["m1"],[],null,null,null,2,{"n":1}]`;
    const partKnown = String.raw`[4,99,["m1"],[],null,null,null,1,{}]`;
    expect(decodeRecipient('t r1', shared)).toMatchObject({ recipientPart: false, live: null });
    expect(decodeRecipient('t r1', unknownPart).recipientPart).toBeUndefined();
    expect(decodeRecipient('t r1', unknownPart).live).toEqual({ received: 1 });
    expect(decodeRecipient('t r1', partKnown)).toMatchObject({ recipientPart: true, live: {} });
    for (const s of [shared, unknownPart, partKnown])
      expect(encodeRecipient(decodeRecipient('t r1', s))).toBe(s);
    for (const s of [LEGACY.live, LEGACY.frozen, String.raw`[3,99,["m1"],[]]`])
      expect(decodeRecipient('t r1', s).live).toBeUndefined();
  });

  it('decoded records read as the fold API built them', () => {
    const s = scenario();
    expect(decodeMessage('t m1', GOLDEN.m1)).toEqual({ rec: s.c.messages.get('m1') });
    expect(decodeRecipient('t r1', GOLDEN.frozen)).toEqual(s.c.rec);
    const { live: _live, oldestAt, ...before } = s.c.rec;
    expect(decodeRecipient('t r1', LEGACY.frozen), 'a version 2 record: no summary').toEqual(before);
    expect(decodeRecipient('t r1', BEFORE_OLDEST.frozen), 'no bound: unknown').toEqual({
      ...s.c.rec,
      oldestAt: undefined,
    });
    // m2 retired: the bound is m1's newest event exactly; before it, the earliest attach (m2's send)
    expect([oldestAt, decodeRecipient('t r1', GOLDEN.live).oldestAt]).toEqual([T0 + 40 * DAY + 430_000, T0]);
    const v = viewOf(decodeMessage('t m1', GOLDEN.m1).rec);
    expect([v.campaign, v.recipient, v.channel, v.sender]).toEqual(['A', 'r1', 'sms', '+100']);
    const base = T0 + 40 * DAY;
    expect([v.sendAt, v.firstStatusAt, v.deliveredAt, v.reachAt]).toEqual([base, base, base + 60_000, base]);
    const h = viewOf(decodeMessage('t m9', HAND.message).rec);
    expect([h.campaign, h.recipient, h.sender, h.sendAt, h.firstStatusAt, h.deliveredAt]).toEqual([
      'Z',
      'r9',
      '+9',
      1002,
      1003,
      1004,
    ]);
    // the audience figures kept in the record read back in the recipient_state spelling
    expect(audienceRow(decodeRecipient('t r1', HAND.recipient), [], new Map(), 3650)).toEqual({
      'rd:sms': '1:2',
      n: '2',
      le: '9',
      lrp: '8',
      lc: '7|A|m1',
      'lr:sms': '6|A|m1',
      sub: 'out',
      subAt: '4',
      'cv:sms': '1',
      'cr:sms:EUR': '3',
      ta: '4',
      'tr:EUR': '5',
      ho: '6',
    });
  });
});
