// ECharts, tree-shaken: only the charts and components the dashboard uses. A ChartSet holds one
// element's charts (each `<figure data-chart=name>` of its shadow root), themed from the
// element's CSS custom properties and resized when their box changes.
import { use, init } from 'echarts/core';
import { BarChart, LineChart, ScatterChart, HeatmapChart, TreemapChart, FunnelChart, SankeyChart } from 'echarts/charts';
import { GridSimpleComponent, TooltipComponent, VisualMapContinuousComponent, LegendPlainComponent, MarkPointComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, ScatterChart, HeatmapChart, TreemapChart, FunnelChart, SankeyChart,
  GridSimpleComponent, TooltipComponent, VisualMapContinuousComponent, LegendPlainComponent, MarkPointComponent, CanvasRenderer]);

/** Okabe-Ito: distinguishable with every common colour-vision deficiency. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** Sequential ramp (light to dark blue), readable in greyscale too. */
export const SEQUENTIAL = ['#f2f7fb', '#b9d7ec', '#56B4E9', '#0072B2', '#003b5c'];

const list = (v, fallback) => {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : fallback;
};

/** The chart theme from the host's custom properties (docs/embedding.md lists them). */
export function themeOf(host) {
  const css = getComputedStyle(host);
  const prop = (name) => css.getPropertyValue(name).trim();
  const text = prop('--crm-lens-text') || '#1b1f24';
  const muted = prop('--crm-lens-muted') || '#555';
  const border = prop('--crm-lens-border') || '#e2e5ea';
  const axis = { axisLabel: { color: muted }, axisLine: { lineStyle: { color: muted } }, splitLine: { lineStyle: { color: border } }, nameTextStyle: { color: muted } };
  return {
    palette: list(prop('--crm-lens-palette'), OKABE_ITO),
    sequential: list(prop('--crm-lens-sequential'), SEQUENTIAL),
    surface: prop('--crm-lens-surface') || '#fff',
    echarts: {
      color: list(prop('--crm-lens-palette'), OKABE_ITO),
      backgroundColor: 'transparent',
      textStyle: { fontFamily: prop('--crm-lens-font') || 'system-ui, sans-serif', color: text },
      legend: { textStyle: { color: text } },
      visualMap: { textStyle: { color: text } },
      categoryAxis: axis,
      valueAxis: axis,
    },
  };
}

export class ChartSet {
  /** `root`: the shadow root; `onPng(name, chart)`: the PNG button's action. */
  constructor(root, onPng) {
    this.root = root;
    this.onPng = onPng;
    this.charts = new Map();
    this.theme = null;
    this.themeKey = '';
    // Only a real change of size redraws: the observer also reports every box once when it
    // starts observing it, which would paint each new chart twice.
    this.resizer = new ResizeObserver((entries) => {
      for (const e of entries) {
        const c = this.charts.get(e.target.closest('figure')?.dataset.chart);
        const { width, height } = e.contentRect;
        if (c && !c.isDisposed() && (Math.round(width) !== c.getWidth() || Math.round(height) !== c.getHeight())) c.resize();
      }
    });
  }

  /** Takes the theme of this render; charts made under another one are made again. */
  setTheme(theme) {
    const key = JSON.stringify(theme.echarts);
    this.theme = theme;
    if (key === this.themeKey) return;
    this.themeKey = key;
    this.dispose();
  }

  figure(name) {
    return this.root.querySelector(`figure[data-chart="${name}"]`);
  }

  /** The ECharts instance of `<figure data-chart=name>`, made on first use. */
  chart(name) {
    const c = this.charts.get(name);
    if (c && !c.isDisposed()) return c;
    const fig = this.figure(name);
    const box = fig.querySelector('.chart');
    const made = init(box, this.theme?.echarts ?? null, { renderer: 'canvas' });
    this.charts.set(name, made);
    this.resizer.observe(box);
    if (!fig.querySelector('button.png')) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'png';
      b.dataset.png = name;
      b.addEventListener('click', () => this.onPng(name, this.charts.get(name)));
      fig.prepend(b);
    }
    return made;
  }

  /**
   * The chart's text alternative: what a screen reader announces instead of the canvas (the
   * data in words), also read by the e2e tests. Set with every setOption.
   */
  describe(name, text) {
    const fig = this.figure(name);
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

  /** Calls `fn(name, chart)` for each live chart. */
  each(fn) {
    for (const [name, c] of this.charts) if (!c.isDisposed()) fn(name, c);
  }

  dispose() {
    this.resizer.disconnect();
    for (const c of this.charts.values()) if (!c.isDisposed()) c.dispose();
    this.charts.clear();
  }
}

/** Options every chart shares: no animation (charts paint once). */
export const baseOption = () => ({ animation: false });

/** Colour at position x in [0, 1] along a ramp of hex colours. */
export function ramp(colors, x) {
  const p = Math.max(0, Math.min(1, x)) * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(p));
  const f = p - i;
  const rgb = (h) => {
    const s = h.length === 4 ? `#${h[1]}${h[1]}${h[2]}${h[2]}${h[3]}${h[3]}` : h;
    return [1, 3, 5].map((k) => parseInt(s.slice(k, k + 2), 16));
  };
  const a = rgb(colors[i]);
  const b = rgb(colors[i + 1]);
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(',')})`;
}
