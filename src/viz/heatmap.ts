// Attention heatmaps as plotly figure JSON: source (key) tokens on x, target (query) tokens on y,
// the weight in the colour and on hover.
//
// Every token is labelled, always. Cells sit at index positions 0..n-1 with the tokens as tick text
// (tickmode 'array'), so plotly neither thins the labels out (as it does on a dense category axis)
// nor merges repeated tokens (a category axis has one slot per distinct name: 'a', '␣', '.' ...).
// The layout is computed in pixels: each cell is at least MIN_CELL_PX wide and tall, the label font
// fits the cell, x labels turn vertical when they are wider than their cell, and the space for the
// labels and the panel title is reserved around every panel.
import type { Figure } from './display';
import { fitText, plotlyText as plain, textPx } from './text-size';
import type { Data, Layout } from 'plotly.js-dist-min';

export interface HeatmapPanel {
  /** weights[i][j]: how much query i attends to key j; rows are queries. */
  weights: number[][];
  /** Key tokens, one per column (default 0, 1, ...). */
  x?: string[];
  /** Query tokens, one per row. */
  y?: string[];
  title?: string;
}

/** Smallest cell side: room for a 9 px label per token. */
export const MIN_CELL_PX = 12;
const TITLE_PX = 22;
const TITLE_FONT_PX = 13;
const PAD_PX = 10;
const COLORBAR_PX = 90;

interface Checked {
  weights: number[][];
  x: string[];
  y: string[];
  title: string;
}

function check(p: HeatmapPanel, fn: string): Checked {
  const rows = p.weights.length;
  const cols = rows ? p.weights[0].length : 0;
  p.weights.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`${fn}: row ${i} has ${r.length} weights, row 0 has ${cols}`);
  });
  const labels = (given: string[] | undefined, n: number, what: string): string[] => {
    if (given && given.length !== n) throw new Error(`${fn}${p.title ? ` "${p.title}"` : ''}: ${given.length} ${what} labels for ${n} ${what}s`);
    return given ? [...given] : Array.from({ length: n }, (_, i) => String(i));
  };
  return { weights: p.weights, x: labels(p.x, cols, 'column'), y: labels(p.y, rows, 'row'), title: p.title ?? '' };
}

interface AxisFit {
  /** label font size, px */
  size: number;
  /** 0: horizontal, -90: vertical */
  angle: number;
  /** px the labels take away from the plot */
  depth: number;
}

/** Font size and angle so that every label fits its cell; for y, labels are horizontal. */
function fitAxis(labels: readonly string[], cellPx: number, along: 'x' | 'y'): AxisFit {
  const size = Math.max(8, Math.min(12, Math.floor(cellPx * 0.75)));
  const widest = Math.max(0, ...labels.map((t) => textPx(t, size)));
  if (along === 'y') return { size, angle: 0, depth: Math.ceil(widest) + PAD_PX };
  const vertical = widest > cellPx - 2;
  return { size, angle: vertical ? -90 : 0, depth: Math.ceil(vertical ? widest : size) + PAD_PX };
}

function tokenAxis(labels: readonly string[], fit: AxisFit, domain: [number, number], anchor: string, along: 'x' | 'y'): Record<string, unknown> {
  const n = labels.length;
  return {
    domain,
    anchor,
    type: 'linear',
    tickmode: 'array',
    tickvals: labels.map((_, i) => i),
    ticktext: labels.map(plain),
    tickfont: { size: fit.size },
    tickangle: fit.angle,
    ticks: '',
    ticklabelstandoff: 4,
    showgrid: false,
    zeroline: false,
    automargin: false,
    fixedrange: true,
    // queries top to bottom, keys left to right, key labels on top (where a reader starts)
    ...(along === 'x' ? { side: 'top', range: [-0.5, n - 0.5] } : { range: [n - 0.5, -0.5] }),
  };
}

function trace(p: Checked, suffix: string, showscale: boolean): Data {
  return {
    type: 'heatmap',
    z: p.weights,
    x: p.x.map((_, j) => j),
    y: p.y.map((_, i) => i),
    customdata: p.y.map((q, i) => p.x.map((k, j) => plain(`query ${i} ${q} → key ${j} ${k}`))),
    zmin: 0,
    zmax: 1,
    colorscale: 'Blues',
    reversescale: true, // plotly's Blues runs dark to light; attention reads better with heavy weights dark
    showscale,
    xaxis: `x${suffix}`,
    yaxis: `y${suffix}`,
    hovertemplate: '%{customdata}<br>weight %{z:.3f}<extra></extra>',
  } as Data;
}

/**
 * Panels in a grid, `columns` per row, each panel about panelW × panelH px with its labels and title,
 * larger when its tokens need more room; one colour bar on the right.
 */
function panelsFigure(given: HeatmapPanel[], fn: string, columns: number, panelW: number, panelH: number): Figure {
  const panels = given.map((p) => check(p, fn));
  const cols = Math.max(1, ...panels.map((p) => p.x.length));
  const rows = Math.max(1, ...panels.map((p) => p.y.length));
  const titled = panels.some((p) => p.title);
  // the labels' room depends on the cell size and the cell size on the labels' room: estimate, then fit
  const yLabels = panels.flatMap((p) => p.y);
  const xLabels = panels.flatMap((p) => p.x);
  const yFit = fitAxis(yLabels, Math.max(MIN_CELL_PX, (panelH - TITLE_PX - PAD_PX) / rows), 'y');
  const w = Math.max(panelW - yFit.depth - PAD_PX, cols * MIN_CELL_PX);
  const xFit = fitAxis(xLabels, w / cols, 'x');
  const h = Math.max(panelH - (titled ? TITLE_PX : 0) - xFit.depth - PAD_PX, rows * MIN_CELL_PX);
  const top = (titled ? TITLE_PX : 0) + xFit.depth;
  const cellW = yFit.depth + w + PAD_PX;
  const cellH = top + h + PAD_PX;
  const gridRows = Math.ceil(panels.length / columns);
  const gridW = Math.min(columns, panels.length) * cellW;
  const gridH = gridRows * cellH;
  const layout: Record<string, unknown> = {
    width: gridW + COLORBAR_PX + 2 * PAD_PX,
    height: gridH + 2 * PAD_PX,
    margin: { l: PAD_PX, r: COLORBAR_PX + PAD_PX, t: PAD_PX, b: PAD_PX, autoexpand: false },
    showlegend: false,
    // a title wider than its panel is cut with '…' (plotly does not wrap annotations); hovering shows it whole
    annotations: panels.flatMap((p, i) => (p.title ? [{
      text: plain(fitText(p.title, TITLE_FONT_PX, cellW - PAD_PX)),
      hovertext: plain(p.title),
      showarrow: false,
      xref: `x${i === 0 ? '' : i + 1} domain`,
      yref: `y${i === 0 ? '' : i + 1} domain`,
      x: 0.5,
      y: 1,
      yanchor: 'bottom',
      yshift: xFit.depth,
      font: { size: TITLE_FONT_PX },
    }] : [])),
  };
  panels.forEach((p, i) => {
    const s = i === 0 ? '' : String(i + 1);
    const left = (i % columns) * cellW + yFit.depth;
    const upper = Math.floor(i / columns) * cellH + top;
    // pixel boxes as fractions of the plot area (paper), y measured from the bottom
    const xd: [number, number] = [left / gridW, (left + w) / gridW];
    const yd: [number, number] = [1 - (upper + h) / gridH, 1 - upper / gridH];
    layout[`xaxis${s}`] = tokenAxis(p.x, xFit, xd, `y${s}`, 'x');
    layout[`yaxis${s}`] = tokenAxis(p.y, yFit, yd, `x${s}`, 'y');
  });
  return { data: panels.map((p, i) => trace(p, i === 0 ? '' : String(i + 1), i === 0)), layout: layout as Partial<Layout> };
}

/**
 * One attention matrix as a heatmap (queries top to bottom, keys left to right, every token labelled).
 * `size`: the panel's size in px with its labels (the colour bar comes on top), grown when the tokens need it.
 */
export function attentionHeatmap(p: HeatmapPanel, size: { width?: number; height?: number } = {}): Figure {
  const rows = p.weights.length;
  const cols = rows ? p.weights[0].length : 0;
  return panelsFigure([p], 'attentionHeatmap', 1, size.width ?? Math.min(760, Math.max(240, 60 + 36 * cols)), size.height ?? Math.min(600, Math.max(160, 80 + 28 * rows)));
}

/**
 * Several attention matrices side by side (heads, layers or score functions), `columns` per row, each
 * panel about `panelSize` px square with its labels and title (more when its tokens need it); every token labelled.
 */
export function heatmapGrid(panels: HeatmapPanel[], columns = Math.min(panels.length, 4), panelSize = 260): Figure {
  if (panels.length === 0) throw new Error('heatmapGrid: no panels');
  if (!(Number.isInteger(columns) && columns >= 1)) throw new Error(`heatmapGrid: columns must be a whole number >= 1, got ${columns}`);
  return panelsFigure(panels, 'heatmapGrid', columns, panelSize, panelSize);
}
