import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { attentionHeatmap, heatmapGrid } from '../src';
import type { Figure } from '../src';
import { MIN_CELL_PX } from '../src/viz/heatmap';
import { textPx } from '../src/viz/text-size';

interface Axis {
  domain: [number, number];
  tickmode: string;
  tickvals: number[];
  ticktext: string[];
  tickangle: number;
  tickfont: { size: number };
  range: [number, number];
  side?: string;
}
type Trace = { z: number[][]; x: number[]; y: number[]; type: string; zmin: number; zmax: number; customdata: string[][]; xaxis: string; yaxis: string; showscale: boolean };
const layoutOf = (fig: Figure) => fig.layout as unknown as Record<string, unknown> & { width: number; height: number; margin: { l: number; r: number; t: number; b: number }; annotations: { text: string; yshift: number }[] };
const axis = (fig: Figure, name: string) => layoutOf(fig)[name] as Axis;

/** Pixel size of one cell along an axis, from the axis domain and the figure's plot area. */
function cellPx(fig: Figure, name: string): number {
  const l = layoutOf(fig);
  const a = axis(fig, name);
  const plot = name.startsWith('x') ? l.width - l.margin.l - l.margin.r : l.height - l.margin.t - l.margin.b;
  return ((a.domain[1] - a.domain[0]) * plot) / a.tickvals.length;
}

/** Every token has its own tick with its own text, and the labels fit their cells. */
function assertEveryTokenLabelled(fig: Figure, name: string, tokens: string[]): void {
  const a = axis(fig, name);
  assert.equal(a.tickmode, 'array', `${name}: explicit ticks, which plotly never thins out`);
  assert.deepEqual(a.tickvals, tokens.map((_, i) => i), `${name}: one tick per token`);
  assert.deepEqual(a.ticktext, tokens.map((t) => t.replace(/</g, '&lt;').replace(/>/g, '&gt;')), `${name}: every token's text, repeats included`);
  const cell = cellPx(fig, name);
  assert.ok(cell >= MIN_CELL_PX - 1e-9, `${name}: cells of ${cell.toFixed(1)} px`);
  assert.ok(a.tickfont.size <= cell, `${name}: ${a.tickfont.size} px labels in ${cell.toFixed(1)} px cells`);
  if (name.startsWith('x') && a.tickangle === 0) {
    const widest = Math.max(...tokens.map((t) => textPx(t, a.tickfont.size)));
    assert.ok(widest <= cell, `${name}: horizontal labels up to ${widest.toFixed(1)} px wide in ${cell.toFixed(1)} px cells`);
  }
}

const chars = (s: string) => [...s].map((c) => (c === ' ' ? '␣' : c));
const diagonal = (rows: number, cols: number) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (j === Math.floor((i * cols) / rows) ? 1 : 0)));

test('attentionHeatmap: weights as z, keys on x, queries on y (top to bottom), values kept', () => {
  const fig = attentionHeatmap({ weights: [[0.2, 0.8], [1, 0]], x: ['the', 'cat'], y: ['le', 'chat'], title: 't' });
  const t = fig.data[0] as unknown as Trace;
  assert.equal(t.type, 'heatmap');
  assert.deepEqual(t.z, [[0.2, 0.8], [1, 0]]);
  assert.deepEqual([t.x, t.y], [[0, 1], [0, 1]], 'cells at token positions');
  assert.deepEqual([axis(fig, 'xaxis').ticktext, axis(fig, 'yaxis').ticktext], [['the', 'cat'], ['le', 'chat']]);
  assert.deepEqual(t.customdata, [['query 0 le → key 0 the', 'query 0 le → key 1 cat'], ['query 1 chat → key 0 the', 'query 1 chat → key 1 cat']]);
  assert.deepEqual([t.zmin, t.zmax], [0, 1]);
  assert.equal((fig.data[0] as { reversescale?: boolean }).reversescale, true, 'heavy weights dark');
  assert.deepEqual(axis(fig, 'yaxis').range, [1.5, -0.5], 'first query on top');
  assert.equal(axis(fig, 'xaxis').side, 'top');
  assert.deepEqual(layoutOf(fig).annotations.map((a) => a.text), ['t']);
});

test('a 30-character source: every character labelled, repeated ones too, and the labels fit', () => {
  const x = [...chars('Tuesday, March 5, 2024 at 9:30'), '</s>'];
  const y = [...chars('2024-03-05T09:30'), '</s>'];
  assert.equal(x.length, 31);
  const fig = attentionHeatmap({ weights: diagonal(y.length, x.length), x, y });
  assertEveryTokenLabelled(fig, 'xaxis', x);
  assertEveryTokenLabelled(fig, 'yaxis', y);
  assert.equal(axis(fig, 'xaxis').tickangle, -90, "'</s>' is wider than a cell: the labels stand up");
  assert.equal(new Set((fig.data[0] as unknown as Trace).x).size, x.length, 'repeated tokens are separate cells');
  // a requested size too small for the tokens grows
  const small = attentionHeatmap({ weights: diagonal(y.length, x.length), x, y }, { width: 200, height: 100 });
  assertEveryTokenLabelled(small, 'xaxis', x);
  assertEveryTokenLabelled(small, 'yaxis', y);
});

test('short tokens stay horizontal; labels are shown literally (plotly would swallow "</s>" as a tag)', () => {
  const fig = attentionHeatmap({ weights: diagonal(2, 3), x: ['a', 'b', 'a'], y: ['<s>', 'x&y'], title: 'a < b' });
  assert.equal(axis(fig, 'xaxis').tickangle, 0);
  assert.deepEqual(axis(fig, 'xaxis').ticktext, ['a', 'b', 'a']);
  assert.deepEqual(axis(fig, 'yaxis').ticktext, ['&lt;s&gt;', 'x&amp;y']);
  assert.deepEqual(layoutOf(fig).annotations.map((a) => a.text), ['a &lt; b']);
  assert.match((fig.data[0] as unknown as Trace).customdata[0][0], /^query 0 &lt;s&gt; → key 0 a$/);
});

test('label counts must match the matrix', () => {
  assert.throws(() => attentionHeatmap({ weights: [[1, 0]], x: ['a'], title: 'w' }), /attentionHeatmap "w": 1 column labels for 2 columns/);
  assert.throws(() => attentionHeatmap({ weights: [[1, 0], [1]] }), /attentionHeatmap: row 1 has 1 weights, row 0 has 2/);
  assert.throws(() => heatmapGrid([{ weights: [[1]], y: ['a', 'b'] }]), /heatmapGrid: 2 row labels for 1 rows/);
});

test('heatmapGrid lays panels out on their own axes with one colour bar and titles', () => {
  const fig = heatmapGrid([{ weights: [[1]], title: 'a' }, { weights: [[1]], title: 'b' }, { weights: [[1]], title: 'c' }], 2);
  assert.equal(fig.data.length, 3);
  assert.deepEqual(fig.data.map((d) => [(d as unknown as Trace).xaxis, (d as unknown as Trace).yaxis]), [['x', 'y'], ['x2', 'y2'], ['x3', 'y3']]);
  assert.deepEqual(fig.data.map((d) => (d as unknown as Trace).showscale), [true, false, false]);
  assert.deepEqual(layoutOf(fig).annotations.map((a) => a.text), ['a', 'b', 'c']);
  const [x1, x2, x3] = ['xaxis', 'xaxis2', 'xaxis3'].map((n) => axis(fig, n).domain);
  const [y1, , y3] = ['yaxis', 'yaxis2', 'yaxis3'].map((n) => axis(fig, n).domain);
  assert.ok(x1[1] < x2[0], 'two panels side by side');
  assert.deepEqual(x3, x1, 'the third starts the second row');
  assert.ok(y3[1] < y1[0], 'below the first');
  assert.throws(() => heatmapGrid([]), /no panels/);
  assert.throws(() => heatmapGrid([{ weights: [[1]] }], 0), /columns must be a whole number >= 1, got 0/);
});

test("heatmapGrid as in chapter 04 (dates of ~24 characters, 3 per row): every label, nothing overlapping", () => {
  const sources = ['Tuesday, March 5, 2024', 'Dienstag, 5. März 2024', '2024年3月5日星期二', '3/5/24', '05.03.24', 'mardi 5 mars 2024'];
  const y = [...chars('2024-03-05'), '</s>'];
  const panels = sources.map((s) => ({ title: s, weights: diagonal(y.length, [...s].length + 1), x: [...chars(s), '</s>'], y }));
  const fig = heatmapGrid(panels, 3, 330);
  const l = layoutOf(fig);
  const plotW = l.width - l.margin.l - l.margin.r;
  panels.forEach((p, i) => {
    const s = i === 0 ? '' : String(i + 1);
    assertEveryTokenLabelled(fig, `xaxis${s}`, p.x);
    assertEveryTokenLabelled(fig, `yaxis${s}`, p.y);
    // the y labels of a panel fit in the gap to the panel on its left (or the figure's edge)
    const ya = axis(fig, `yaxis${s}`);
    const widest = Math.max(...p.y.map((t) => textPx(t, ya.tickfont.size)));
    const left = i % 3 === 0 ? 0 : axis(fig, `xaxis${i === 1 ? '' : i}`).domain[1];
    assert.ok((axis(fig, `xaxis${s}`).domain[0] - left) * plotW >= widest, `panel ${i + 1}: y labels have room`);
    // the title sits above the x labels: its shift clears the standing labels
    const xa = axis(fig, `xaxis${s}`);
    const tallest = Math.max(...p.x.map((t) => textPx(t, xa.tickfont.size)));
    assert.ok(l.annotations[i].yshift >= tallest, `panel ${i + 1}: title above its labels`);
  });
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      const [a, b] = [i, j].map((k) => ({ x: axis(fig, `xaxis${k ? k + 1 : ''}`).domain, y: axis(fig, `yaxis${k ? k + 1 : ''}`).domain }));
      assert.ok(a.x[1] <= b.x[0] || b.x[1] <= a.x[0] || a.y[1] <= b.y[0] || b.y[1] <= a.y[0], `panels ${i + 1} and ${j + 1} apart`);
    }
  }
});

test('a panel title wider than its panel is cut with an ellipsis, whole on hover, so neighbours never overlap', () => {
  const long = 'Bahdanau: utilitaires pour gérer le système de fichiers JFS et encore bien plus de mots qui ne tiennent pas';
  const w = [[0.5, 0.5], [0.1, 0.9]];
  const fig = heatmapGrid([{ title: long, weights: w }, { title: 'short', weights: w }], 2, 200);
  const a = layoutOf(fig).annotations as unknown as { text: string; hovertext: string }[];
  assert.ok(a[0].text.endsWith('…') && a[0].text.length < long.length, `cut: ${a[0].text}`);
  assert.ok(long.startsWith(a[0].text.slice(0, -1).trimEnd()), 'a prefix of the title');
  assert.equal(a[0].hovertext, long);
  assert.equal(a[1].text, 'short', 'a title that fits is kept whole');
  const l = layoutOf(fig);
  const panelPx = (l.width - l.margin.l - l.margin.r) / 2;
  assert.ok(textPx(a[0].text, 13) <= panelPx, `${textPx(a[0].text, 13)} px in a ${panelPx} px panel`);
});
