/** A tiny inline SVG line of a series (no chart instance per table row). */
import { svg } from './dom.ts';
import { OKABE_ITO } from './palette.ts';

export function sparkline(values: number[], label: string, width = 96, height = 24): SVGElement {
  const max = Math.max(1, ...values);
  const n = values.length;
  const x = (i: number) => (n <= 1 ? width / 2 : (i / (n - 1)) * (width - 2) + 1);
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const d = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const title = svg('title', {});
  title.textContent = label;
  return svg(
    'svg',
    { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'spark' },
    title,
    svg('path', {
      d: d || `M0,${height - 2}L${width},${height - 2}`,
      fill: 'none',
      stroke: OKABE_ITO.blue,
      'stroke-width': 1.5,
    }),
  );
}

/** The bucket and range of a campaign's sends sparkline: minutes while young, then hours (≤ 7 days). */
export function sparkRange(firstEventAt: string | null, now: number): { bucket: '1m' | '1h'; from: string } {
  const first = firstEventAt ? Date.parse(firstEventAt) : now;
  if (now - first < 3 * 3_600_000) return { bucket: '1m', from: new Date(first).toISOString() };
  return { bucket: '1h', from: new Date(Math.max(first, now - 7 * 86_400_000)).toISOString() };
}
