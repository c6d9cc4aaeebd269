// Training curves as plotly figure JSON.
import type { Figure } from './display';
import { textPx } from './text-size';

const TITLE_PX = 50;
const LEGEND_FONT_PX = 12;
/** a legend entry besides its text: the line sample and the gaps (plotly: 40 px and some) */
const LEGEND_ITEM_PX = 50;
const LEGEND_ROW_PX = 22;

/**
 * Rows of a horizontal plotly legend: one row when every entry fits side by side, otherwise plotly
 * lines the entries up in columns as wide as the widest one.
 */
function legendRows(itemWidths: readonly number[], width: number): number {
  if (itemWidths.reduce((a, b) => a + b, 0) <= width) return 1;
  const columns = Math.max(1, Math.floor(width / Math.max(...itemWidths)));
  return Math.ceil(itemWidths.length / columns);
}

/**
 * One line per metric series (e.g. { loss: [...], valLoss: [...] }) over epochs 1..n. Series whose
 * name contains "accuracy" go on a second y axis.
 */
export function lossCurves(series: Record<string, readonly number[]>, opts: { title?: string; width?: number; height?: number } = {}): Figure {
  const names = Object.keys(series);
  if (names.length === 0) throw new Error('lossCurves: no series');
  const hasAcc = names.some((n) => /acc/i.test(n));
  const width = opts.width ?? 600;
  const margin = { l: 70, r: hasAcc ? 70 : 30, b: 50 };
  const rows = legendRows(names.map((n) => LEGEND_ITEM_PX + textPx(n, LEGEND_FONT_PX)), width - margin.l - margin.r);
  return {
    data: names.map((name) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name,
      x: series[name].map((_, i) => i + 1),
      y: [...series[name]],
      yaxis: /acc/i.test(name) ? 'y2' : 'y',
    })),
    layout: {
      title: opts.title ? { text: opts.title, y: 1, yref: 'container', yanchor: 'top', pad: { t: 12 } } : undefined,
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: 'loss' } },
      ...(hasAcc ? { yaxis2: { title: { text: 'accuracy' }, overlaying: 'y', side: 'right', range: [0, 1] } } : {}),
      // the series names in rows between the title and the plot, with room reserved for every row: the
      // right-hand side is the accuracy axis's (plotly's default vertical legend there covers its labels and title)
      showlegend: true,
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom', font: { size: LEGEND_FONT_PX } },
      margin: { ...margin, t: (opts.title ? TITLE_PX : 10) + rows * LEGEND_ROW_PX + 6 },
      width,
      height: opts.height ?? 340,
    },
  };
}
