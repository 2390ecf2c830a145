import { describe, expect, it } from 'vitest';
import {
  computeMoney,
  computeRates,
  emptyCounts,
  fromMoneyUnits,
  countNotReported,
  NO_OPT_OUTS,
  NO_REPLIES,
  NO_SMS_OPENS,
  NO_UNINSTALLS,
  notReported,
  ratio,
  toMoneyUnits,
} from './index.ts';
import type { Counts } from './index.ts';

const counts = (over: Partial<Counts>): Counts => ({ ...emptyCounts(), ...over });

describe('ratio', () => {
  it.each([
    [1, 2, 0.5],
    [0, 5, 0],
    [3, 0, null],
    [0, 0, null],
    [Number.NaN, 1, null],
    [1, Number.POSITIVE_INFINITY, null],
  ])('%s / %s = %s', (n, d, want) => {
    expect(ratio(n, d)).toBe(want);
  });
});

describe('computeRates', () => {
  it.each([
    {
      name: 'typical campaign',
      c: counts({
        sent: 200,
        delivered: 180,
        opened: 90,
        clicked: 45,
        converted: 9,
        optOuts: 3,
        replied: 18,
        uninstalls: 2,
      }),
      want: {
        deliveryRate: 0.9,
        openRate: 0.5,
        ctr: 0.25,
        clickToOpenRate: 0.5,
        conversionRate: 0.05,
        optOutRate: 3 / 180,
        replyRate: 0.1,
        uninstallRate: 2 / 180,
      },
    },
    {
      name: 'nothing sent: every rate is null, never 0 or NaN',
      c: counts({}),
      want: {
        deliveryRate: null,
        openRate: null,
        ctr: null,
        clickToOpenRate: null,
        conversionRate: null,
        optOutRate: null,
        replyRate: null,
        uninstallRate: null,
      },
    },
    {
      name: 'sent but nothing delivered: only deliveryRate is defined',
      c: counts({ sent: 10, failed: 10 }),
      want: {
        deliveryRate: 0,
        openRate: null,
        ctr: null,
        clickToOpenRate: null,
        conversionRate: null,
        optOutRate: null,
        replyRate: null,
        uninstallRate: null,
      },
    },
    {
      name: 'delivered but never opened: click-to-open is null, ctr is not',
      c: counts({ sent: 4, delivered: 4, clicked: 1 }),
      want: {
        deliveryRate: 1,
        openRate: 0,
        ctr: 0.25,
        clickToOpenRate: null,
        conversionRate: 0,
        optOutRate: 0,
        replyRate: 0,
        uninstallRate: 0,
      },
    },
  ])('$name', ({ c, want }) => {
    expect(computeRates(c, { channel: null, opened: c.opened })).toEqual(want);
    expect(computeRates(c, { channel: 'push', opened: c.opened })).toEqual({
      ...want,
      replyRate: null,
      optOutRate: null,
    });
  });
});

describe('rates a channel cannot report (applicability)', () => {
  const sms = counts({ sent: 4027, delivered: 4000, clicked: 120 });
  it('an SMS campaign without an opened event: openRate and clickToOpenRate are not reported', () => {
    const rates = computeRates(sms, { channel: 'sms', opened: 0 });
    expect(rates).toMatchObject({ openRate: null, clickToOpenRate: null, ctr: 0.03 });
    expect(notReported({ channel: 'sms', opened: 0 })).toEqual({
      openRate: NO_SMS_OPENS,
      clickToOpenRate: NO_SMS_OPENS,
      uninstallRate: NO_UNINSTALLS,
    });
  });
  it.each([
    ['whatsapp', { uninstallRate: NO_UNINSTALLS }],
    ['push', { replyRate: NO_REPLIES, optOutRate: NO_OPT_OUTS }],
    ['in_app', { replyRate: NO_REPLIES, optOutRate: NO_OPT_OUTS, uninstallRate: NO_UNINSTALLS }],
    ['constructor', {}],
  ] as const)('the table: %s cannot report %o, whatever arrived', (channel, want) => {
    const c = counts({ sent: 10, delivered: 10, opened: 5, replied: 2, optOuts: 1, uninstalls: 1 });
    expect(notReported({ channel, opened: 5 })).toEqual(want);
    const rates = computeRates(c, { channel, opened: 5 });
    for (const name of Object.keys(want)) expect(rates[name as keyof typeof rates]).toBeNull();
    expect(rates.deliveryRate).toBe(1);
  });
  it('a count stands for its rate: not reported where the rate is not', () => {
    const nr = notReported({ channel: 'push', opened: 0 });
    expect([countNotReported('replied', nr), countNotReported('optOuts', nr)]).toEqual([
      NO_REPLIES,
      NO_OPT_OUTS,
    ]);
    expect([countNotReported('uninstalls', nr), countNotReported('sent', nr)]).toEqual([
      undefined,
      undefined,
    ]);
    expect(countNotReported('opened', notReported({ channel: 'sms', opened: 0 }))).toBe(NO_SMS_OPENS);
  });
  it.each([
    ['an SMS campaign whose provider reports reads', 'sms', { ...sms, opened: 40 }, 40, 0.01],
    ['a window (or segment) of it without opens: a real 0 %', 'sms', sms, 40, 0],
    ['a WhatsApp campaign never read', 'whatsapp', sms, 0, 0],
    ['an unknown channel', null, sms, 0, 0],
  ] as const)('%s reports its open rate', (_name, channel, c, opened, openRate) => {
    expect(notReported({ channel, opened }).openRate).toBeUndefined();
    expect(computeRates(c, { channel, opened }).openRate).toBe(openRate);
  });
});

describe('computeMoney', () => {
  it('reports cost per conversion and roi per currency, every currency in all four maps', () => {
    expect(computeMoney({ USD: 10, EUR: 4 }, { USD: 25 }, 5)).toEqual({
      cost: { USD: 10, EUR: 4 },
      revenue: { USD: 25, EUR: 0 },
      costPerConversion: { USD: 2, EUR: 0.8 },
      roi: { USD: 1.5, EUR: -1 },
    });
  });
  it('a currency with revenue and no cost: cost 0, cost per conversion 0, roi null', () => {
    expect(computeMoney({}, { EUR: 59.97 }, 3)).toEqual({
      cost: { EUR: 0 },
      revenue: { EUR: 59.97 },
      costPerConversion: { EUR: 0 },
      roi: { EUR: null },
    });
    expect(computeMoney({}, {}, 3)).toEqual({ cost: {}, revenue: {}, costPerConversion: {}, roi: {} });
  });
  it('is null where the denominator is zero', () => {
    expect(computeMoney({ USD: 0 }, { USD: 3 }, 0)).toEqual({
      cost: { USD: 0 },
      revenue: { USD: 3 },
      costPerConversion: { USD: null },
      roi: { USD: null },
    });
  });
});

describe('money units', () => {
  it('round-trips amounts exactly at four decimals', () => {
    expect(toMoneyUnits(19.99)).toBe(199_900);
    expect(fromMoneyUnits(toMoneyUnits(0.1) + toMoneyUnits(0.2))).toBe(0.3);
  });
});
