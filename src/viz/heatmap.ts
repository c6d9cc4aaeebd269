// Attention heatmaps as plotly figure JSON: source (key) tokens on x, target (query) tokens on y,
// the weight in the colour and on hover.
import type { Figure } from './display';
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

function labels(given: string[] | undefined, n: number, what: string, title?: string): string[] {
  if (given && given.length !== n) {
    throw new Error(`attentionHeatmap${title ? ` "${title}"` : ''}: ${given.length} ${what} labels for ${n} ${what}s`);
  }
  // plotly merges equal category labels; make repeated tokens distinct with zero-width spaces
  const seen = new Map<string, number>();
  return (given ?? Array.from({ length: n }, (_, i) => String(i))).map((t) => {
    const k = seen.get(t) ?? 0;
    seen.set(t, k + 1);
    return t + '\u200b'.repeat(k);
  });
}

function trace(p: HeatmapPanel, axis: number, showscale: boolean): Data {
  const rows = p.weights.length;
  const cols = rows ? p.weights[0].length : 0;
  p.weights.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`attentionHeatmap: row ${i} has ${r.length} weights, row 0 has ${cols}`);
  });
  const suffix = axis === 1 ? '' : String(axis);
  return {
    type: 'heatmap',
    z: p.weights,
    x: labels(p.x, cols, 'column', p.title),
    y: labels(p.y, rows, 'row', p.title),
    zmin: 0,
    zmax: 1,
    colorscale: 'Blues',
    reversescale: true, // plotly's Blues runs dark to light; attention reads better with heavy weights dark
    showscale,
    xaxis: `x${suffix}`,
    yaxis: `y${suffix}`,
    hovertemplate: 'query %{y} → key %{x}<br>weight %{z:.3f}<extra></extra>',
  } as Data;
}

/** One attention matrix as a heatmap (queries top to bottom, keys left to right). */
export function attentionHeatmap(p: HeatmapPanel, size: { width?: number; height?: number } = {}): Figure {
  const rows = p.weights.length;
  const cols = rows ? p.weights[0].length : 0;
  return {
    data: [trace(p, 1, true)],
    layout: {
      title: p.title ? { text: p.title } : undefined,
      width: size.width ?? Math.max(320, 60 + 42 * cols + 120),
      height: size.height ?? Math.max(240, 100 + 32 * rows),
      xaxis: { side: 'top', type: 'category' },
      yaxis: { autorange: 'reversed', type: 'category' },
      margin: { t: 90, l: 90, r: 30, b: 20 },
    } as Partial<Layout>,
  };
}

/** Several attention matrices side by side (heads, layers or score functions), `columns` per row. */
export function heatmapGrid(panels: HeatmapPanel[], columns = Math.min(panels.length, 4), panelSize = 260): Figure {
  if (panels.length === 0) throw new Error('heatmapGrid: no panels');
  const rows = Math.ceil(panels.length / columns);
  const layout: Record<string, unknown> = {
    grid: { rows, columns, pattern: 'independent' },
    width: columns * panelSize + 80,
    height: rows * panelSize + 60,
    margin: { t: 60, l: 80, r: 20, b: 20 },
    annotations: panels.map((p, i) => ({
      text: p.title ?? '',
      showarrow: false,
      xref: `x${i === 0 ? '' : i + 1} domain`,
      yref: `y${i === 0 ? '' : i + 1} domain`,
      x: 0.5,
      y: 1.18,
      font: { size: 13 },
    })),
  };
  panels.forEach((_, i) => {
    const s = i === 0 ? '' : String(i + 1);
    layout[`xaxis${s}`] = { side: 'top', type: 'category' };
    layout[`yaxis${s}`] = { autorange: 'reversed', type: 'category' };
  });
  return { data: panels.map((p, i) => trace(p, i + 1, i === 0)), layout: layout as Partial<Layout> };
}
