import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fmtCount,
  fmtFreshness,
  fmtMoney,
  fmtMs,
  fmtPerCurrency,
  fmtPoints,
  fmtRate,
  fmtBotClicks,
  fmtRoi,
  fmtTime,
  fmtDate,
  fmtLevel,
  fmtDay,
  fmtMean,
  rateWithSample,
  raw,
  setLocale,
  smallSample,
} from '../src/ui/format.ts';
import { isSmallRate, isSmallSample, rateSampleText, sampleText } from '../src/ui/rate.ts';
import {
  countAxisLabel,
  countValue,
  percentAxisLabel,
  percentValue,
  timeAxisLabel,
  timeTooltip,
} from '../src/ui/chart-format.ts';

const nb = (s: string) => s.replace(/\u00a0/g, ' ');

describe('format', () => {
  beforeAll(() => setLocale('en-US'));
  afterAll(() => setLocale(undefined));

  it('never shows an unknown figure as 0', () => {
    expect(fmtRate(null)).toBe('not reported');
    expect(fmtCount(null)).toBe('not reported');
    expect(fmtMs(null)).toBe('not reported');
    expect(fmtMoney(null, 'USD')).toBe('not reported');
    expect(fmtPoints(null)).toBe('not reported');
    expect(fmtPerCurrency(null)).toBe('not reported');
    expect(fmtRate(0)).toBe('0.0%');
  });

  it('rates, counts, money and durations', () => {
    expect(fmtRate(0.75)).toBe('75.0%');
    expect(fmtRate(1 / 3, 2)).toBe('33.33%');
    expect(fmtCount(1234567)).toBe('1,234,567');
    expect(nb(fmtMoney(12, 'USD'))).toBe('USD 12.00');
    expect(nb(fmtPerCurrency({ USD: 140, EUR: 80 }))).toBe('EUR 80.00 · USD 140.00');
    expect(fmtPerCurrency({})).toBe('none');
    // ROI is null only where a currency had revenue and no cost
    expect(fmtRoi({ USD: 2.5, EUR: null })).toBe('EUR no cost · USD 250.0%');
    expect(fmtBotClicks(37)).toBe('37 preview/scanner fetches not counted');
    expect(fmtBotClicks(1)).toBe('1 preview/scanner fetch not counted');
    expect(fmtBotClicks(0)).toBe('');
    expect(fmtRoi({})).toBe('no cost');
    expect(fmtRoi({ USD: 856.781 })).toBe('USD 85,678.1%');
    expect(fmtPoints(0.229)).toBe('+22.9 pt');
    expect(fmtPoints(-0.067)).toBe('-6.7 pt');
    expect(fmtPoints(0)).toBe('±0.0 pt');
    expect(fmtMs(850)).toBe('850 ms');
    expect(fmtMs(12_340)).toBe('12.3 s');
    expect(fmtMs(176_000)).toBe('2 min 56 s');
    expect(fmtMs(7_380_000)).toBe('2 h 3 min');
    expect(fmtTime('2025-03-01T14:05:09.000Z')).toBe('Mar 1, 2025, 02:05 PM UTC');
    expect(fmtLevel(0.95)).toBe('95%');
    expect(fmtLevel(0.975)).toBe('97.5%');
    expect(fmtMean(1234.5)).toBe('1,234.50');
    expect(fmtTime(null)).toBe('not reported');
  });

  it('freshness in plain words', () => {
    expect(fmtFreshness(null, null)).toContain('unknown');
    expect(fmtFreshness(0, 0)).toBe('up to date: every accepted event is counted');
    expect(fmtFreshness(2500, 1200)).toBe(
      'catching up: oldest uncounted event waited 2.5 s, 1,200 events waiting',
    );
  });

  it('marks small samples by the Wilson rule, and says every rate with its sample', () => {
    expect(smallSample(1, 17)).toBe(true);
    expect(smallSample(14, 2000)).toBe(false);
    expect(smallSample(0, 0)).toBe(false);
    expect(rateWithSample(1 / 17, 1, 17, 'delivered')).toBe('5.9%: 1 of 17 delivered (small sample)');
    expect(rateWithSample(0.007, 14, 2000, 'delivered')).toBe('0.7%: 14 of 2,000 delivered');
  });

  it("formats in the reader's locale: separators, decimal mark, dates with the year", () => {
    setLocale('de-DE');
    try {
      expect(fmtCount(1234567)).toBe('1.234.567');
      expect(nb(fmtRate(0.059))).toBe('5,9 %');
      expect(fmtPoints(0.229)).toBe('+22,9 pt');
      expect(nb(fmtMoney(1234.5, 'EUR'))).toBe('1.234,50 EUR');
      expect(fmtMs(12_340)).toBe('12,3 s');
      expect(fmtDate('2025-03-01T14:05:09.000Z')).toBe('1. März 2025, 14:05');
      expect(nb(rateWithSample(1 / 17, 1, 17, 'delivered'))).toBe('5,9 %: 1 of 17 delivered (small sample)');
    } finally {
      setLocale('en-US');
    }
  });

  it('raw keeps exactly what the API said', () => {
    expect(raw(null)).toBe('null');
    expect(raw(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(raw({ USD: 1 })).toBe('{"USD":1}');
  });
});

describe('every rate with its sample (ui/rate.ts)', () => {
  beforeAll(() => setLocale('en-US'));
  afterAll(() => setLocale(undefined));
  const counts = {
    sent: 20,
    delivered: 17,
    failed: 3,
    opened: 0,
    clicked: 4,
    clicks: 5,
    botClicks: 0,
    clicksWithin10s: 0,
    converted: 2,
    conversions: 2,
    optOuts: 1,
    replied: 0,
    uninstalls: 0,
  };
  it('says numerator and denominator of each rate, marks a small sample, and why a rate is missing', () => {
    expect(rateSampleText('optOutRate', 1 / 17, counts)).toBe('5.9%: 1 of 17 delivered (small sample)');
    expect(rateSampleText('deliveryRate', 17 / 20, counts)).toBe('85.0%: 17 of 20 sent (small sample)');
    expect(rateSampleText('openRate', null, counts, 'SMS has no opens')).toBe(
      'not reported (SMS has no opens)',
    );
    expect(isSmallRate('ctr', 4 / 17, counts)).toBe(true);
    expect(isSmallRate('optOutRate', 14 / 2000, { ...counts, optOuts: 14, delivered: 2000 })).toBe(false);
    expect(isSmallRate('openRate', null, counts)).toBe(false);
  });
});

describe('any other rate with its sample (deliverability, audience)', () => {
  beforeAll(() => setLocale('en-US'));
  afterAll(() => setLocale(undefined));
  it('says its numerator and denominator in words, digits as shown, and marks a small sample', () => {
    const s = { numerator: 6, denominator: 10, of: 'sent' };
    expect(sampleText(0.6, s)).toBe('60.0%: 6 of 10 sent (small sample)');
    expect(sampleText(0.6, s, undefined, 0)).toBe('60%: 6 of 10 sent (small sample)');
    expect(sampleText(null, { ...s, denominator: 0 })).toBe('not reported (nothing to divide by yet)');
    expect(isSmallSample(0.007, { numerator: 14, denominator: 2000, of: 'recipients' })).toBe(false);
    expect(isSmallSample(null, s)).toBe(false);
  });
});

describe('chart axes and tooltips through format.ts (ui/chart-format.ts)', () => {
  afterAll(() => setLocale(undefined));
  const at = Date.UTC(2026, 11, 7, 5, 40);
  it('writes ticks and tooltip values in the locale, never a raw number', () => {
    setLocale('en-US');
    expect(countAxisLabel.formatter(12345)).toBe('12,345');
    expect(percentAxisLabel.formatter(2.5)).toBe('2.5%');
    expect(percentAxisLabel.formatter(10)).toBe('10%');
    expect(countValue(1234)).toBe('1,234');
    expect(countValue(null)).toBe('not reported');
    expect(percentValue(12.34)).toBe('12.3%');
    expect(percentValue(undefined)).toBe('not reported');
    expect(timeAxisLabel(false).formatter(at)).toBe('05:40 AM');
    expect(timeAxisLabel(true).formatter(at)).toBe('Dec 7, 05 AM');
    expect(timeTooltip([{ value: [new Date(at).toISOString(), 1234], marker: '', seriesName: 'Sent' }])).toBe(
      'Dec 7, 2026, 05:40 AM UTC<br>Sent 1,234',
    );
    setLocale('de-DE');
    expect(nb(countAxisLabel.formatter(12345))).toBe('12.345');
    expect(nb(percentAxisLabel.formatter(2.5))).toBe('2,5 %');
    expect(nb(percentValue(12.34))).toBe('12,3 %');
    expect(timeAxisLabel(false).formatter(at)).toBe('05:40');
  });

  it("days and confidence levels with the year and the locale's percent sign", () => {
    setLocale('en-US');
    expect(fmtDay('2026-12-07')).toBe('Dec 7, 2026');
    expect(fmtDay('2026-11-30T00:00:00.000Z')).toBe('Nov 30, 2026');
    expect(fmtLevel(0.95)).toBe('95%');
    setLocale('de-DE');
    expect(nb(fmtLevel(0.95))).toBe('95 %');
    expect(fmtDay('2026-12-07')).toBe('7. Dez. 2026');
  });
});
