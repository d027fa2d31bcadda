// ECharts, tree-shaken: only the charts and components the dashboard uses.
import { use, init } from 'echarts/core';
import { BarChart, LineChart, ScatterChart, HeatmapChart, TreemapChart, FunnelChart, SankeyChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent, LegendComponent, MarkPointComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, ScatterChart, HeatmapChart, TreemapChart, FunnelChart, SankeyChart,
  GridComponent, TooltipComponent, VisualMapComponent, LegendComponent, MarkPointComponent, CanvasRenderer]);

/** Okabe-Ito: distinguishable with every common colour-vision deficiency. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** Sequential ramp (light to dark blue), readable in greyscale too. */
export const SEQUENTIAL = ['#f2f7fb', '#b9d7ec', '#56B4E9', '#0072B2', '#003b5c'];

const charts = new Map();

/** The ECharts instance of `<figure data-chart=name>`, created on first use. */
export function chart(name, onPng) {
  let c = charts.get(name);
  if (c && !c.isDisposed()) return c;
  const fig = document.querySelector(`figure[data-chart="${name}"]`);
  const el = fig.querySelector('.chart');
  c = init(el, null, { renderer: 'canvas' });
  charts.set(name, c);
  if (!fig.querySelector('button.png')) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'png';
    b.dataset.png = name;
    b.addEventListener('click', () => onPng(name, c));
    fig.prepend(b);
  }
  return c;
}

/**
 * The chart's text alternative: what a screen reader announces instead of the canvas (the
 * data in words), also read by the e2e tests. Set with every setOption.
 */
export function describe(name, text) {
  const fig = figure(name);
  let p = fig.querySelector('.chart-alt');
  if (!p) {
    p = document.createElement('p');
    p.className = 'chart-alt';
    p.id = `alt-${name}`;
    fig.append(p);
    fig.querySelector('.chart').setAttribute('aria-describedby', p.id);
  }
  p.textContent = text;
}

export function figure(name) {
  return document.querySelector(`figure[data-chart="${name}"]`);
}

/** Resizes one chart per frame, so a window resize never blocks the page for long. */
export async function resizeAll() {
  for (const c of [...charts.values()]) {
    if (!c.isDisposed()) c.resize();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  }
}

export function eachChart(fn) {
  for (const [name, c] of charts) if (!c.isDisposed()) fn(name, c);
}

/** Options every chart shares: the palette, the font, no animation (charts paint once). */
export const baseOption = () => ({
  color: OKABE_ITO,
  textStyle: { fontFamily: 'system-ui, sans-serif' },
  animation: false,
});

/** Colour at position x in [0, 1] along a ramp of hex colours. */
export function ramp(colors, x) {
  const p = Math.max(0, Math.min(1, x)) * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(p));
  const f = p - i;
  const rgb = (h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
  const a = rgb(colors[i]);
  const b = rgb(colors[i + 1]);
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(',')})`;
}
