// Progress reporters and loss curves, without a notebook: a fake display records what would be shown.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { lossCurves, notebookProgress, PLOTLY_MIME } from '../src';

test('notebook progress overwrites one bar display in place and redraws one loss-curve display per epoch', () => {
  const displays: { html: string[]; raw: unknown[] }[] = [];
  const newDisplay = () => {
    const d = { html: [] as string[], raw: [] as unknown[] };
    displays.push(d);
    return { html: (s: string) => d.html.push(s), raw: (mime: string, data: unknown) => d.raw.push([mime, data]) };
  };
  const p = notebookProgress({ everyMs: 0, newDisplay });
  p.start({ epochs: 2, stepsPerEpoch: 3, title: 'fake' });
  for (let e = 0; e < 2; e++) {
    for (let s = 0; s < 3; s++) p.step(e, s, 1 / (e * 3 + s + 1));
    p.epochEnd(e, { loss: 1 / (e + 1), valLoss: 1.1 / (e + 1) });
  }
  p.end('ok');
  assert.equal(displays.length, 2, 'one display for the bar, one for the curve');
  const [bar, curve] = displays;
  assert.ok(bar.html.length >= 8, 'the bar was redrawn at every step');
  assert.match(bar.html.at(-1)!, /data-done="6" data-total="6"/);
  assert.match(bar.html.at(-1)!, /fake · epoch 2\/2 · step 3\/3 · loss 0\.1667 · [\d.]+ steps\/s · done in .* · ok/);
  assert.match(bar.html[3], /width:50\.0%/);
  assert.equal(curve.raw.length, 2);
  const [mime, fig] = curve.raw[1] as [string, { data: { name: string; y: number[] }[] }];
  assert.equal(mime, PLOTLY_MIME);
  assert.deepEqual(fig.data.map((d) => [d.name, d.y]), [['loss', [1, 0.5]], ['valLoss', [1.1, 0.55]]]);
});

test('lossCurves puts accuracy on a second axis', () => {
  const f = lossCurves({ loss: [1, 0.5], accuracy: [0.2, 0.6] });
  assert.deepEqual(f.data.map((d) => (d as { yaxis: string }).yaxis), ['y', 'y2']);
  assert.deepEqual((f.data[0] as { x: number[] }).x, [1, 2]);
  assert.deepEqual((f.layout as { yaxis2: { side: string; title: { text: string } } }).yaxis2.title, { text: 'accuracy' });
  assert.throws(() => lossCurves({}), /no series/);
});

test("lossCurves: the legend runs in rows above the plot, clear of the accuracy axis's title and of the chart title", () => {
  type L = { legend: { orientation: string; x: number; xanchor: string; y: number; yanchor: string }; margin: { t: number; r: number }; title?: { yref: string; y: number } };
  const four = lossCurves({ loss: [2, 1], valLoss: [2, 1.5], accuracy: [0.2, 0.5], valAccuracy: [0.1, 0.4] }, { title: 'loss per epoch' }).layout as unknown as L;
  // plotly's default: a vertical legend at x 1.02, on top of the right-hand axis's labels and title
  assert.deepEqual(four.legend, { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom', font: { size: 12 } });
  assert.ok(four.margin.r >= 60, 'room on the right for the accuracy ticks and title');
  assert.deepEqual([four.title?.yref, four.title?.y], ['container', 1], 'the title at the top of the figure');
  const rowPx = 22;
  assert.ok(four.margin.t >= 50 + rowPx && four.margin.t < 50 + 2 * rowPx, `four short names: one legend row (top margin ${four.margin.t})`);
  const names = ['loss', 'valLoss', 'accuracy', 'valAccuracy', 'tokenAccuracy', 'valTokenAccuracy', 'learningRate'];
  const seven = lossCurves(Object.fromEntries(names.map((n) => [n, [0.5]])), { title: 't' }).layout as unknown as L;
  assert.ok(seven.margin.t >= 50 + 3 * rowPx, `seven names wrap to three rows and the top margin keeps them off the title (${seven.margin.t})`);
  const untitled = lossCurves({ loss: [1] }).layout as unknown as L;
  assert.ok(untitled.margin.t < four.margin.t, 'no title, less room');
});
