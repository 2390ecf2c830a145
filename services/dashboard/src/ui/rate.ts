/**
 * A rate on screen with its sample, one way everywhere (tiles, campaigns list, breakdowns,
 * benchmark): the figure in the locale, its numerator and denominator on hover and in the
 * accessible name ("5.9%: 1 of 17 delivered (small sample)"), and the small-sample mark (`*`,
 * format.ts smallSample). What each rate divides is @tally/kpi computeRates' arithmetic.
 */
import type { CountName, RateName } from '../api/types.ts';
import { h } from './dom.ts';
import { fmtRate, rateWithSample, smallSample } from './format.ts';

/** Numerator, denominator and the denominator in words, per rate (SPEC §5). */
export const RATE_SAMPLE: Record<RateName, [num: CountName, den: CountName, of: string]> = {
  deliveryRate: ['delivered', 'sent', 'sent'],
  openRate: ['opened', 'delivered', 'delivered'],
  ctr: ['clicked', 'delivered', 'delivered'],
  clickToOpenRate: ['clicked', 'opened', 'opened'],
  conversionRate: ['converted', 'delivered', 'delivered'],
  optOutRate: ['optOuts', 'delivered', 'delivered'],
  replyRate: ['replied', 'delivered', 'delivered'],
  uninstallRate: ['uninstalls', 'delivered', 'delivered'],
};

type SomeCounts = Record<CountName, number>;

/** Is rate `name` over `counts` a small sample? (null rates are no sample at all.) */
export function isSmallRate(name: RateName, r: number | null, counts: SomeCounts): boolean {
  const [num, den] = RATE_SAMPLE[name];
  return r !== null && smallSample(counts[num], counts[den]);
}

/** "5.9%: 1 of 17 delivered (small sample)"; a rate not reported says why (or that nothing divides). */
export function rateSampleText(name: RateName, r: number | null, counts: SomeCounts, why?: string): string {
  if (r === null) return `not reported (${why ?? 'nothing to divide by yet'})`;
  const [num, den, of] = RATE_SAMPLE[name];
  return rateWithSample(r, counts[num], counts[den], of);
}

/** The rate as text in a span whose hover is its sample, marked when the sample is small. */
export function rateSpan(
  name: RateName,
  r: number | null,
  counts: SomeCounts,
  why?: string,
  attrs: Record<string, string> = {},
): HTMLElement {
  return span(r, isSmallRate(name, r, counts), rateSampleText(name, r, counts, why), attrs);
}

/**
 * Any other rate with its sample, the same way (deliverability, audience): `numerator` of
 * `denominator` `of` ("1 of 17 recipients"); null when there was nothing to divide.
 */
export interface Sample {
  numerator: number;
  denominator: number;
  /** The denominator in words: "sent", "recipients", "failures". */
  of: string;
}

/** "5.9%: 1 of 17 recipients (small sample)", or why it is not reported. */
export function sampleText(r: number | null, s: Sample, why?: string, digits?: number): string {
  if (r === null) return `not reported (${why ?? 'nothing to divide by yet'})`;
  return rateWithSample(r, s.numerator, s.denominator, s.of, digits);
}

export function isSmallSample(r: number | null, s: Sample): boolean {
  return r !== null && smallSample(s.numerator, s.denominator);
}

/** A rate of `s` as a span with its sample on hover, marked when small (`digits` as fmtRate). */
export function sampleSpan(
  r: number | null,
  s: Sample,
  opts: { why?: string; digits?: number; attrs?: Record<string, string> } = {},
): HTMLElement {
  const text = sampleText(r, s, opts.why, opts.digits);
  return span(r, isSmallSample(r, s), text, opts.attrs ?? {}, opts.digits);
}

/** A table cell's rate with its sample: render and accessible name from one `Sample`. */
export function sampleCell<R>(
  label: string,
  rate: (row: R) => number | null,
  sample: (row: R) => Sample,
): { render(row: R): HTMLElement; cellLabel(row: R): string } {
  return {
    render: (row) => sampleSpan(rate(row), sample(row)),
    cellLabel: (row) => `${label} ${sampleText(rate(row), sample(row))}`,
  };
}

function span(
  r: number | null,
  small: boolean,
  title: string,
  attrs: Record<string, string>,
  digits?: number,
): HTMLElement {
  return h(
    'span',
    {
      ...attrs,
      class: `${attrs.class ?? ''} ${r === null ? 'muted' : small ? 'small-sample' : ''}`.trim(),
      title,
    },
    fmtRate(r, digits),
  );
}
