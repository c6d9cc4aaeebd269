// The layers against Keras 3 (fixtures from scripts/make_keras_fixtures.py, `npm run fixtures:keras`).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AdditiveAttention, Attention, MultiHeadAttention, tf } from '../src';

interface Case {
  name: string;
  layer: 'Attention' | 'AdditiveAttention' | 'MultiHeadAttention';
  config: Record<string, number | string | boolean>;
  useCausalMask: boolean;
  inputs: { query: number[][][]; value: number[][][]; key?: number[][][] };
  masks: { query?: boolean[][]; value?: boolean[][]; key?: boolean[][]; attention?: boolean[][][] };
  weights: unknown[];
  output: number[][][];
  scores: number[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'keras-attention.json'), 'utf8'),
) as { keras: string; cases: Case[] };

function makeLayer(c: Case): tf.layers.Layer {
  const k = c.config;
  if (c.layer === 'Attention') return new Attention({ useScale: Boolean(k.use_scale), scoreMode: (k.score_mode as 'dot' | 'concat') ?? 'dot' });
  if (c.layer === 'AdditiveAttention') return new AdditiveAttention({ useScale: (k.use_scale as boolean | undefined) ?? true });
  return new MultiHeadAttention({
    numHeads: k.num_heads as number,
    keyDim: k.key_dim as number,
    valueDim: k.value_dim as number | undefined,
    outputShape: k.output_shape as number | undefined,
    useBias: (k.use_bias as boolean | undefined) ?? true,
  });
}

function maxAbsDiff(a: tf.Tensor, expected: unknown): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, tf.tensor(expected as number[])))).dataSync()[0]);
}

const worst: Record<string, number> = {};

for (const c of fixture.cases) {
  test(`Keras ${fixture.keras} parity: ${c.layer} (${c.name})`, () => {
    const layer = makeLayer(c);
    const q = tf.tensor3d(c.inputs.query);
    const v = tf.tensor3d(c.inputs.value);
    const inputs = c.inputs.key ? [q, v, tf.tensor3d(c.inputs.key)] : [q, v];
    const bool = (m?: boolean[][]) => (m ? tf.tensor2d(m.map((r) => r.map(Number)), undefined, 'bool') : null);
    const mask = [bool(c.masks.query), bool(c.masks.value), bool(c.masks.key)];
    const args = {
      mask: mask.some((m) => m) ? mask : undefined,
      returnAttentionScores: true,
      useCausalMask: c.useCausalMask,
      attentionMask: c.masks.attention ? tf.tensor3d(c.masks.attention.map((p) => p.map((r) => r.map(Number))), undefined, 'bool') : undefined,
    };
    layer.build(inputs.map((t) => t.shape));
    assert.equal(layer.getWeights().length, c.weights.length, 'same number of weights as Keras');
    layer.setWeights(c.weights.map((w, i) => tf.tensor(w as number[], layer.getWeights()[i].shape)));
    const [out, scores] = layer.apply(inputs, args as never) as tf.Tensor[];
    assert.deepEqual(out.shape, [c.output.length, c.output[0].length, c.output[0][0].length]);
    const d = Math.max(maxAbsDiff(out, c.output), maxAbsDiff(scores, c.scores));
    worst[c.layer] = Math.max(worst[c.layer] ?? 0, d);
    assert.ok(d < 1e-5, `${c.name}: max |difference| ${d} >= 1e-5`);
    tf.dispose([q, v, ...inputs, out, scores, ...mask.filter((m): m is tf.Tensor2D => m !== null)]);
    for (const w of layer.weights) w.dispose(); // eager-only layers cannot be disposed as a whole
  });
}

test('report: worst absolute difference against Keras per layer', () => {
  for (const [layer, d] of Object.entries(worst)) console.log(`${layer}: ${d.toExponential(2)}`);
  assert.equal(Object.keys(worst).length, 3);
});
