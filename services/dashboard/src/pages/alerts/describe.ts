/** Words for alerts: what fired, where, and its numbers. */
import type { Alert } from '../../api/types.ts';
import { fmtCount, fmtRate } from '../../ui/format.ts';

export const RULE_LABEL: Record<string, string> = {
  optOutSpike: 'Opt-out spike',
  deliveryDrop: 'Delivery drop',
  failureSpike: 'Failure spike',
};

const RATE_KEYS = new Set([
  'rate',
  'wilsonLower',
  'threshold',
  'floor',
  'baseline',
  'deliveryRate',
  'failureRate',
]);

export function describeNumbers(n: Alert['numbers']): string {
  return Object.entries(n)
    .map(([k, v]) => {
      if (typeof v === 'number')
        return `${k} ${RATE_KEYS.has(k) || (v > 0 && v < 1) ? fmtRate(v, 2) : fmtCount(v)}`;
      return `${k} ${String(v)}`;
    })
    .join(' · ');
}
