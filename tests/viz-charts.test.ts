import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { barChart, histogram, htmlTable, pairsFrame, frameHtml } from '../src';

test('histogram: one overlaid trace per series with its values', () => {
  const f = histogram({ source: [1, 2, 2], target: [3] }, { title: 'lengths', xTitle: 'tokens' });
  assert.deepEqual(f.data.map((d) => [(d as { name: string }).name, (d as { x: number[] }).x]), [['source', [1, 2, 2]], ['target', [3]]]);
  assert.equal((f.layout as { barmode: string }).barmode, 'overlay');
  assert.throws(() => histogram({}), /no series/);
});

test('barChart pairs labels with values and refuses mismatched lengths', () => {
  const f = barChart(['a', 'b'], [1, 2]);
  assert.deepEqual([(f.data[0] as { x: string[] }).x, (f.data[0] as { y: number[] }).y], [['a', 'b'], [1, 2]]);
  assert.throws(() => barChart(['a'], [1, 2]), /1 labels for 2 values/);
});

test('htmlTable escapes cells; frameHtml shows the first rows of a danfo DataFrame and says how many there are', () => {
  assert.equal(htmlTable(['a'], [['<b>&']]), '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;b&gt;&amp;</td></tr></tbody></table>');
  const html = frameHtml(pairsFrame([{ source: 'x', target: 'y', line: 1 }, { source: 'z', target: 'w', line: 2 }]), 1, 'pairs');
  assert.match(html, /<caption>pairs \(first 1 of 2 rows\)<\/caption>/);
  assert.match(html, /<th>source<\/th><th>target<\/th><th>line<\/th>/);
  assert.match(html, /<td>x<\/td><td>y<\/td><td>1<\/td>/);
  assert.doesNotMatch(html, /<td>z<\/td>/);
});
