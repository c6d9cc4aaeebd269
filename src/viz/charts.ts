// Small chart builders returning plotly figure JSON.
import type { Figure } from './display';

/** Histogram of numbers, one trace per named series (overlaid). */
export function histogram(series: Record<string, readonly number[]>, opts: { title?: string; xTitle?: string; width?: number; height?: number } = {}): Figure {
  const names = Object.keys(series);
  if (names.length === 0) throw new Error('histogram: no series');
  return {
    data: names.map((name) => ({ type: 'histogram', x: [...series[name]], name, opacity: names.length > 1 ? 0.6 : 1 })),
    layout: {
      title: opts.title ? { text: opts.title } : undefined,
      barmode: 'overlay',
      xaxis: { title: { text: opts.xTitle ?? '' } },
      yaxis: { title: { text: 'count' } },
      width: opts.width ?? 560,
      height: opts.height ?? 320,
    },
  };
}

/** Bar chart of labelled values. */
export function barChart(labels: readonly string[], values: readonly number[], opts: { title?: string; yTitle?: string; width?: number; height?: number } = {}): Figure {
  if (labels.length !== values.length) throw new Error(`barChart: ${labels.length} labels for ${values.length} values`);
  return {
    data: [{ type: 'bar', x: [...labels], y: [...values] }],
    layout: {
      title: opts.title ? { text: opts.title } : undefined,
      yaxis: { title: { text: opts.yTitle ?? '' } },
      width: opts.width ?? 560,
      height: opts.height ?? 320,
    },
  };
}
