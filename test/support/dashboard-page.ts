import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

const require = createRequire(import.meta.url);
/** uPlot draws Grafana's own time-series panels; the page uses it the same way. */
const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

/** One panel of a dashboard with the data its queries returned. */
export interface PanelData {
  title: string;
  type: string;
  unit: string;
  gridPos: { x: number; y: number; w: number; h: number };
  /** Each series by its legend, as [unix seconds, value] points (null where Prometheus had no number). */
  series: { legend: string; points: [number, number | null][] }[];
}

/** A panel's targets as the dashboard model holds them. */
export interface PanelTarget {
  expr: string;
  legendFormat: string;
}

type ModelPanel = dashboard.Panel | dashboard.RowPanel;

/** The panels of a dashboard model with their queries (rows carry no query and have no targets). */
export function panelsOf(model: dashboard.Dashboard): {
  panel: { title: string; type: string; unit: string; gridPos: PanelData['gridPos'] };
  targets: PanelTarget[];
}[] {
  return ((model.panels ?? []) as ModelPanel[]).map((p) => {
    const targets = 'targets' in p && p.targets ? (p.targets as { expr?: string; legendFormat?: string }[]) : [];
    const unit = 'fieldConfig' in p ? (p.fieldConfig?.defaults?.unit ?? '') : '';
    return {
      panel: {
        title: p.title ?? '',
        type: p.type,
        unit,
        gridPos: { x: p.gridPos?.x ?? 0, y: p.gridPos?.y ?? 0, w: p.gridPos?.w ?? 24, h: p.gridPos?.h ?? 1 },
      },
      targets: targets.flatMap((t) => (t.expr ? [{ expr: t.expr, legendFormat: t.legendFormat ?? '' }] : [])),
    };
  });
}

/** A legend format (`{{queue}} {{outcome}}`) filled with a series' labels, as Grafana fills it. */
export function legendOf(format: string, labels: Record<string, string>): string {
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '') || JSON.stringify(labels);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An HTML page that lays the panels out on Grafana's 24-column grid in its dark theme: time series
 * drawn with uPlot, stats as their last value, bar gauges as bars of their last values. Each panel
 * element gets `data-series` (how many series it drew) once drawn, and the page sets
 * `document.body.dataset.drawn` when all are.
 */
export function dashboardPage(title: string, subtitle: string, panels: PanelData[]): string {
  const rowHeight = 30;
  const columns = 24;
  const height = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h)) * rowHeight + 60;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${uplotCss}
body { margin: 0; background: #111217; color: #ccccdc; font: 13px Inter, Helvetica, Arial, sans-serif; }
header { padding: 12px 16px; font-size: 18px; color: #fff; display: flex; gap: 16px; align-items: baseline; }
header small { font-size: 12px; color: #8e8e9e; }
#grid { position: relative; margin: 0 8px; height: ${height}px; }
.panel { position: absolute; box-sizing: border-box; background: #181b1f; border: 1px solid #2a2d33; border-radius: 2px; overflow: hidden; }
.panel h2 { font-size: 13px; font-weight: 500; margin: 6px 8px; color: #d8d9da; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.row { position: absolute; font-size: 15px; color: #fff; padding-top: 6px; }
.stat { font-size: 40px; font-weight: 500; color: #73bf69; text-align: center; margin-top: 8px; }
.bar { margin: 4px 8px; } .bar div { background: #5794f2; height: 14px; } .bar span { font-size: 11px; }
.u-legend { font-size: 11px; color: #ccccdc; text-align: left; } .u-legend th { font-weight: 400; }
.u-axis { color: #8e8e9e; }
</style></head>
<body><header>${escapeHtml(title)}<small>${escapeHtml(subtitle)}</small></header><div id="grid"></div>
<script>${uplotJs}</script>
<script>
const panels = ${JSON.stringify(panels)};
const grid = document.getElementById('grid');
const colours = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#705da0', '#37872d', '#fade2a'];
const width = grid.clientWidth;
function format(unit, v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const n = (x, d = 2) => Number(x.toFixed(d)).toString();
  switch (unit) {
    case 'percentunit': return n(v * 100, 2) + '%';
    case 's': return v < 1 ? n(v * 1000, 0) + ' ms' : n(v, 2) + ' s';
    case 'reqps': return n(v, 3) + ' req/s';
    case 'ops': return n(v, 3) + ' ops/s';
    case 'bytes': return v > 1048576 ? n(v / 1048576, 1) + ' MiB' : n(v / 1024, 1) + ' KiB';
    default: return n(v, 2);
  }
}
for (const p of panels) {
  const el = document.createElement('div');
  const left = (p.gridPos.x / ${columns}) * width, top = p.gridPos.y * ${rowHeight};
  const w = (p.gridPos.w / ${columns}) * width - 8, h = p.gridPos.h * ${rowHeight} - 8;
  Object.assign(el.style, { left: left + 'px', top: top + 'px', width: w + 'px', height: h + 'px' });
  grid.appendChild(el);
  if (p.type === 'row') { el.className = 'row'; el.textContent = '▾ ' + p.title; continue; }
  el.className = 'panel';
  const heading = document.createElement('h2');
  heading.textContent = p.title;
  el.appendChild(heading);
  const last = (s) => { for (let i = s.points.length - 1; i >= 0; i--) if (s.points[i][1] !== null) return s.points[i][1]; return null; };
  if (p.type === 'stat') {
    const value = document.createElement('div');
    value.className = 'stat';
    value.textContent = p.series.length ? format(p.unit, last(p.series[0])) : 'No data';
    el.appendChild(value);
  } else if (p.type === 'bargauge') {
    const max = Math.max(1e-9, ...p.series.map((s) => last(s) ?? 0));
    for (const s of p.series) {
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.innerHTML = '<span></span><div></div>';
      bar.firstChild.textContent = s.legend + ': ' + format(p.unit, last(s));
      bar.lastChild.style.width = ((100 * (last(s) ?? 0)) / max) + '%';
      el.appendChild(bar);
    }
  } else {
    const xs = [...new Set(p.series.flatMap((s) => s.points.map((pt) => pt[0])))].sort((a, b) => a - b);
    const data = [xs, ...p.series.map((s) => { const m = new Map(s.points); return xs.map((x) => m.get(x) ?? null); })];
    const legendRows = Math.min(p.series.length, 4);
    new uPlot({
      width: w - 8, height: h - 40 - legendRows * 16,
      axes: [{ stroke: '#8e8e9e', grid: { stroke: '#2a2d33' } }, { stroke: '#8e8e9e', grid: { stroke: '#2a2d33' }, values: (u, vals) => vals.map((v) => format(p.unit, v)), size: 70 }],
      series: [{}, ...p.series.map((s, i) => ({ label: s.legend, stroke: colours[i % colours.length], fill: colours[i % colours.length] + '1a', width: 1, value: (u, v) => format(p.unit, v) }))],
      legend: { live: false },
      cursor: { show: false },
    }, data, el);
  }
  el.dataset.series = String(p.series.length);
}
document.body.dataset.drawn = 'true';
</script></body></html>`;
}
