import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { attentionHeatmap, heatmapGrid } from '../src';

test('attentionHeatmap: weights as z, keys on x, queries on y (top to bottom), values kept', () => {
  const fig = attentionHeatmap({ weights: [[0.2, 0.8], [1, 0]], x: ['the', 'cat'], y: ['le', 'chat'], title: 't' });
  const t = fig.data[0] as unknown as { z: number[][]; x: string[]; y: string[]; type: string; zmin: number; zmax: number };
  assert.equal(t.type, 'heatmap');
  assert.deepEqual(t.z, [[0.2, 0.8], [1, 0]]);
  assert.deepEqual([t.x, t.y], [['the', 'cat'], ['le', 'chat']]);
  assert.deepEqual([t.zmin, t.zmax], [0, 1]);
  assert.equal((fig.data[0] as { reversescale?: boolean }).reversescale, true, 'heavy weights dark');
  assert.equal((fig.layout?.yaxis as { autorange: string }).autorange, 'reversed');
  assert.deepEqual(fig.layout?.title, { text: 't' });
});

test('repeated tokens stay separate cells; label counts must match the matrix', () => {
  const fig = attentionHeatmap({ weights: [[0.5, 0.5]], x: ['a', 'a'] });
  const x = (fig.data[0] as unknown as { x: string[] }).x;
  assert.equal(new Set(x).size, 2);
  assert.throws(() => attentionHeatmap({ weights: [[1, 0]], x: ['a'], title: 'w' }), /attentionHeatmap "w": 1 column labels for 2 columns/);
  assert.throws(() => attentionHeatmap({ weights: [[1, 0], [1]] }), /row 1 has 1 weights, row 0 has 2/);
});

test('heatmapGrid lays panels out on independent axes with one colour bar and titles', () => {
  const fig = heatmapGrid([{ weights: [[1]], title: 'a' }, { weights: [[1]], title: 'b' }, { weights: [[1]], title: 'c' }], 2);
  assert.equal(fig.data.length, 3);
  const axes = fig.data.map((d) => (d as { xaxis: string }).xaxis);
  assert.deepEqual(axes, ['x', 'x2', 'x3']);
  assert.deepEqual((fig.layout as { grid: unknown }).grid, { rows: 2, columns: 2, pattern: 'independent' });
  assert.deepEqual(fig.data.map((d) => (d as { showscale: boolean }).showscale), [true, false, false]);
  assert.deepEqual((fig.layout as { annotations: { text: string }[] }).annotations.map((a) => a.text), ['a', 'b', 'c']);
  assert.throws(() => heatmapGrid([]), /no panels/);
});
