/**
 * Axis labels and tooltip values of the ECharts charts in the reader's locale, through format.ts,
 * never ECharts' own rendering of a raw number: spread into an axis (`axisLabel`) or a tooltip
 * (`valueFormatter`, `formatter`). Pure (no ECharts import), so option builders stay testable.
 */
import { fmtCount, fmtPercentTick, fmtPercentValue, fmtTick, fmtTime, NOT_REPORTED } from './format.ts';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** A value axis of counts: "1,234". */
export const countAxisLabel = { formatter: (v: number) => fmtCount(v) };
/** A value axis of values in percent units (12.5 for 12.5 %): "12.5%". */
export const percentAxisLabel = { formatter: (v: number) => fmtPercentTick(v) };
/** A tooltip's value of a count, or of a value in percent units. */
export const countValue = (v: unknown): string => {
  const n = num(v);
  return n === null ? NOT_REPORTED : fmtCount(n);
};
export const percentValue = (v: unknown): string => {
  const n = num(v);
  return n === null ? NOT_REPORTED : fmtPercentValue(n);
};
/** A time axis (UTC) of counts: ticks as clock times, or as day and hour when `withDay`. */
export const timeAxisLabel = (withDay: boolean) => ({
  hideOverlap: true,
  formatter: (v: number) => fmtTick(v, withDay),
});
/** The axis tooltip of a time axis of counts: the bucket's start with the year, then each count. */
export function timeTooltip(params: unknown): string {
  const ps = (Array.isArray(params) ? params : [params]) as {
    value: [string | number, number];
    marker: string;
    seriesName: string;
  }[];
  const at = ps[0]?.value[0];
  if (at === undefined) return '';
  const head = fmtTime(new Date(at).toISOString());
  return [head, ...ps.map((p) => `${p.marker}${p.seriesName} ${countValue(p.value[1])}`)].join('<br>');
}
