/** The funnel sent → delivered → opened → clicked → converted, each stage with its share of sent. */
import type { Counts } from '../../api/types.ts';
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

export function funnelOption(c: Counts): ChartOption {
  const colors = [OKABE_ITO.blue, OKABE_ITO.sky, OKABE_ITO.green, OKABE_ITO.orange, OKABE_ITO.vermillion];
  return {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        min: 0,
        max: Math.max(1, ...FUNNEL_STAGES.map(([k]) => c[k])),
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
        data: FUNNEL_STAGES.map(([k, name], i) => ({ name, value: c[k], itemStyle: { color: colors[i] } })),
      },
    ],
  };
}
