/**
 * Alerts in words (pure): what fired, where, and its numbers as one sentence an on-call engineer
 * reads at 3 a.m. — "14 opt-outs of 200 delivered (7.0%, lower bound 4.2%) over 15 min, above
 * 2.0%" — never a dump of field names; and whether a firing alert is clearing.
 */
import type { Alert } from '../../api/types.ts';
import { fmtCount, fmtNumber, fmtRate } from '../../ui/format.ts';

export const RULE_LABEL: Record<string, string> = {
  optOutSpike: 'Opt-out spike',
  deliveryDrop: 'Delivery drop',
  failureSpike: 'Failure spike',
};

type Numbers = Alert['numbers'];

/** One part of a sentence; `role` marks the figures a screen (and its tests) point at. */
export interface Part {
  text: string;
  role?: 'rate' | 'threshold';
}

const num = (n: Numbers, k: string): number | null => {
  const v = n[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** The limit an alert is measured against: the absolute threshold and/or the baseline's. */
function limitOf(n: Numbers): { limit: number | null; words: string } {
  const threshold = num(n, 'threshold');
  const baselineLimit = num(n, 'baselineLimit');
  const baselineRate = num(n, 'baselineRate');
  const baseline = (l: number) =>
    baselineRate !== null && baselineRate > 0
      ? ` (${fmtNumber(l / baselineRate, 1)}× the 7-day rate ${fmtRate(baselineRate)})`
      : ' (the 7-day baseline)';
  if (n.mode === 'baseline' && baselineLimit !== null)
    return { limit: baselineLimit, words: baseline(baselineLimit) };
  if (threshold !== null) return { limit: threshold, words: '' };
  if (baselineLimit !== null) return { limit: baselineLimit, words: baseline(baselineLimit) };
  return { limit: null, words: '' };
}

/**
 * The sentence of an alert's numbers. `latest`: the numbers of its latest evaluation, said against
 * the limit as they stand now ("now under 2.0%") rather than as they fired.
 */
export function describeAlert(ruleType: string, n: Numbers, latest = false): Part[] {
  const minutes = num(n, 'windowMinutes');
  const over = minutes === null ? '' : ` over ${fmtCount(minutes)} min`;
  const rate = num(n, 'rate');
  if (ruleType === 'optOutSpike') {
    const lower = num(n, 'wilsonLower');
    const { limit, words } = limitOf(n);
    const under = latest && rate !== null && limit !== null && rate < limit;
    return [
      { text: `${fmtCount(num(n, 'optOuts'))} opt-outs of ${fmtCount(num(n, 'delivered'))} delivered (` },
      { text: fmtRate(rate), role: 'rate' },
      { text: lower === null ? '' : `, lower bound ${fmtRate(lower)}` },
      { text: `)${over}, ${under ? 'now under' : 'above'} ` },
      { text: fmtRate(limit), role: 'threshold' },
      { text: words },
    ];
  }
  if (ruleType === 'deliveryDrop') {
    const floor = num(n, 'floor');
    const back = latest && rate !== null && floor !== null && rate >= floor;
    return [
      { text: `${fmtCount(num(n, 'delivered'))} delivered of ${fmtCount(num(n, 'sent'))} sent (` },
      { text: fmtRate(rate), role: 'rate' },
      { text: `)${over}, ${back ? 'now back above' : 'below'} the floor ` },
      { text: fmtRate(floor), role: 'threshold' },
    ];
  }
  if (ruleType === 'failureSpike') {
    const share = num(n, 'share');
    const threshold = num(n, 'threshold');
    const code = typeof n.errorCode === 'string' ? n.errorCode : null;
    const under = latest && (share === null || (threshold !== null && share <= threshold));
    return [
      {
        text: `${fmtCount(num(n, 'failedWithCode'))} of ${fmtCount(num(n, 'sent'))} sent failed${code ? ` with error ${code}` : ''} (`,
      },
      { text: fmtRate(share), role: 'rate' },
      { text: `)${over}, ${under ? 'now under' : 'above'} ` },
      { text: fmtRate(threshold), role: 'threshold' },
    ];
  }
  return [
    {
      text: Object.entries(n)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(' · '),
    },
  ];
}

export const sentence = (parts: Part[]): string => parts.map((p) => p.text).join('');

/**
 * A firing alert whose condition has been clear since `clearSince` resolves `resolveAfterSeconds`
 * later: "clearing — resolves in about N min if it stays under" (null when not clearing).
 */
export function clearingText(
  a: Pick<Alert, 'state' | 'clearSince'>,
  resolveAfterSeconds: number,
  now: number,
): string | null {
  if (a.state !== 'firing' || !a.clearSince) return null;
  const left = Date.parse(a.clearSince) + resolveAfterSeconds * 1000 - now;
  const minutes = Math.max(1, Math.ceil(left / 60_000));
  return `clearing — resolves in about ${minutes} min if it stays under`;
}
