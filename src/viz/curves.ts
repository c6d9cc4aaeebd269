// Training curves as plotly figure JSON.
import type { Figure } from './display';

/**
 * One line per metric series (e.g. { loss: [...], valLoss: [...] }) over epochs 1..n. Series whose
 * name contains "accuracy" go on a second y axis.
 */
export function lossCurves(series: Record<string, readonly number[]>, opts: { title?: string; width?: number; height?: number } = {}): Figure {
  const names = Object.keys(series);
  if (names.length === 0) throw new Error('lossCurves: no series');
  const hasAcc = names.some((n) => /acc/i.test(n));
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
      title: opts.title ? { text: opts.title } : undefined,
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: 'loss' } },
      ...(hasAcc ? { yaxis2: { title: { text: 'accuracy' }, overlaying: 'y', side: 'right', range: [0, 1] } } : {}),
      width: opts.width ?? 600,
      height: opts.height ?? 340,
    },
  };
}
