/**
 * Apache ECharts, tree-shaken to the charts the dashboard draws (line, bar, heat map, funnel) and
 * rendered as SVG (crisp, and the text is real text). Each chart follows its element's size.
 */
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { SERIES } from './palette.ts';

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export type ChartOption = EChartsCoreOption;

export interface Chart {
  el: HTMLElement;
  set(option: ChartOption): void;
  dispose(): void;
}

/** `label` names the chart for screen readers; ECharts' aria adds a description of its data. */
export function createChart(label: string, className = 'chart'): Chart {
  const el = document.createElement('div');
  el.className = className;
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  let instance: echarts.ECharts | undefined;
  let pending: ChartOption | undefined;
  const resize = new ResizeObserver(() => {
    if (!instance && el.clientWidth > 0 && pending) {
      instance = echarts.init(el, null, { renderer: 'svg' });
      instance.setOption(base(pending), true);
    }
    instance?.resize();
  });
  resize.observe(el);
  return {
    el,
    set(option) {
      pending = option;
      if (!instance && el.clientWidth > 0) instance = echarts.init(el, null, { renderer: 'svg' });
      instance?.setOption(base(option), { notMerge: false, replaceMerge: ['series'] });
    },
    dispose() {
      resize.disconnect();
      instance?.dispose();
    },
  };
}

function pageFont(): string {
  return getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
}

function base(option: ChartOption): ChartOption {
  return {
    color: SERIES,
    animation: false,
    aria: { enabled: true },
    // the page's own font by name: ECharts measures labels and legends on a canvas, where
    // 'inherit' is no font (it measured in the canvas default and legends overlapped themselves)
    textStyle: { fontFamily: pageFont() },
    ...option,
  };
}
