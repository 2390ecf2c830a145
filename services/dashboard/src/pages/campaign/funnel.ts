/**
 * The funnel sent → delivered → opened → clicked → converted, each stage with its share of sent.
 * Clicks without a single open mean the channel does not report opens (SMS, mostly): that stage
 * is left out and said so, rather than drawn as a 0 the clicks contradict.
 */
import type { Counts } from '../../api/types.ts';
import { countValue } from '../../ui/chart-format.ts';
import type { ChartOption } from '../../ui/charts.ts';
import { fmtCount, fmtRate } from '../../ui/format.ts';
import { OKABE_ITO } from '../../ui/palette.ts';

export const FUNNEL_STAGES = [
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['opened', 'Opened'],
  ['clicked', 'Clicked'],
  ['converted', 'Converted'],
] as const;

export function opensUnreported(c: Counts): boolean {
  return c.opened === 0 && c.clicked > 0;
}

export function funnelOption(c: Counts): ChartOption {
  const colors = [OKABE_ITO.blue, OKABE_ITO.sky, OKABE_ITO.green, OKABE_ITO.orange, OKABE_ITO.vermillion];
  const stages = FUNNEL_STAGES.map(([k, name], i) => ({ k, name, color: colors[i] })).filter(
    (s) => s.k !== 'opened' || !opensUnreported(c),
  );
  return {
    tooltip: { trigger: 'item', valueFormatter: countValue },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        min: 0,
        max: Math.max(1, ...stages.map((st) => c[st.k])),
        minSize: '2%',
        gap: 2,
        left: 0,
        top: 8,
        bottom: 8,
        width: '55%',
        label: {
          show: true,
          position: 'right',
          color: '#1a1a1a',
          formatter: (p: { name: string; value: number }) =>
            `${p.name} ${fmtCount(p.value)} · ${fmtRate(c.sent ? p.value / c.sent : null)} of sent`,
        },
        labelLine: { show: true },
        data: stages.map((st) => ({ name: st.name, value: c[st.k], itemStyle: { color: st.color } })),
      },
    ],
  };
}
