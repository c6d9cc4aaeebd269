// The Keras-style layers as tfjs layers: shapes, errors, serialization round trips, no leaks.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { additiveScore, AdditiveAttention, Attention, attentionPool, MultiHeadAttention, scaledDotScore, scoreMask, tf } from '../src';

function modelWith(layer: tf.layers.Layer, withKey = false): tf.LayersModel {
  const q = tf.input({ shape: [3, 4], name: 'query' });
  const v = tf.input({ shape: [5, 4], name: 'value' });
  const k = tf.input({ shape: [5, 4], name: 'key' });
  const inputs = withKey ? [q, v, k] : [q, v];
  const out = layer.apply(inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
  return tf.model({ inputs, outputs: out });
}

const cases: Array<[string, () => tf.layers.Layer, boolean, string]> = [
  ['Attention (dot, scale, returnAttentionScores)', () => new Attention({ useScale: true, returnAttentionScores: true }), false, 'Attention'],
  ['Attention (concat, causal)', () => new Attention({ scoreMode: 'concat', useScale: true, useCausalMask: true }), true, 'Attention'],
  ['AdditiveAttention', () => new AdditiveAttention({ returnAttentionScores: true }), true, 'AdditiveAttention'],
  ['MultiHeadAttention', () => new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2, outputShape: 6, returnAttentionScores: true }), true, 'AwMultiHeadAttention'],
];

for (const [name, make, withKey, className] of cases) {
  test(`${name}: saved to file:// and loaded, gives identical outputs`, async () => {
    const model = modelWith(make(), withKey);
    // non-trivial weights (the scalar/vector scales start at 1 or Glorot)
    model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.7, 'float32', 42 + i)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-layer-'));
    try {
      await model.save(`file://${dir}`);
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      assert.equal(saved.modelTopology.config.layers.at(-1).class_name, className);
      const loaded = await tf.loadLayersModel(`file://${dir}/model.json`);
      assert.equal(loaded.layers.at(-1)!.constructor, model.layers.at(-1)!.constructor);
      const xs = [tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1), tf.randomNormal([2, 5, 4], 0, 1, 'float32', 2), tf.randomNormal([2, 5, 4], 0, 1, 'float32', 3)].slice(0, withKey ? 3 : 2);
      const a = [model.predict(xs)].flat() as tf.Tensor[];
      const b = [loaded.predict(xs)].flat() as tf.Tensor[];
      assert.equal(a.length, b.length);
      a.forEach((t, i) => {
        assert.deepEqual(t.shape, b[i].shape);
        assert.deepEqual(Array.from(t.dataSync()), Array.from(b[i].dataSync()));
      });
      assert.deepEqual(loaded.layers.at(-1)!.getConfig(), model.layers.at(-1)!.getConfig());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('computeOutputShape: [b, Tq, dv], plus the weights [b, Tq, Tv] or [b, h, Tq, Tv]', () => {
  assert.deepEqual(new Attention().computeOutputShape([[null, 3, 4], [null, 5, 6]]), [null, 3, 6]);
  assert.deepEqual(new AdditiveAttention({ returnAttentionScores: true }).computeOutputShape([[2, 3, 4], [2, 5, 4]]), [[2, 3, 4], [2, 3, 5]]);
  assert.deepEqual(new MultiHeadAttention({ numHeads: 4, keyDim: 2, returnAttentionScores: true }).computeOutputShape([[2, 3, 8], [2, 5, 6]]), [[2, 3, 8], [2, 4, 3, 5]]);
  const model = modelWith(new MultiHeadAttention({ numHeads: 2, keyDim: 3, outputShape: 7 }));
  assert.deepEqual(model.outputs[0].shape, [null, 3, 7]);
});

test('bad shapes throw errors naming the layer, the argument and expected vs received shapes', () => {
  const layer = new Attention();
  assert.throws(() => layer.apply([tf.zeros([2, 3, 4]), tf.zeros([2, 5, 6]), tf.zeros([2, 5, 3])]),
    /Attention: query \[2, 3, 4\] and key \[2, 5, 3\] must have the same last axis \(expected key \[batch, Tv, 4\]\)/);
  assert.throws(() => new AdditiveAttention().apply([tf.zeros([2, 3]), tf.zeros([2, 5, 6])]), /AdditiveAttention: query must have shape \[batch, T, dim\], received \[2, 3\]/);
  assert.throws(() => new Attention().apply([tf.zeros([2, 3, 4]), tf.zeros([2, 5, 4])], { mask: [null, tf.ones([2, 4], 'bool')] }),
    /Attention: value mask must have shape \[2, 5\], received \[2, 4\]/);
  const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
  mha.apply([tf.zeros([1, 2, 4]), tf.zeros([1, 3, 4])]);
  assert.throws(() => mha.apply([tf.zeros([1, 2, 5]), tf.zeros([1, 3, 4])]), /MultiHeadAttention: query must have last axis 4 \(the layer was built for it\), received \[1, 2, 5\]/);
  assert.throws(() => new MultiHeadAttention({ numHeads: 0, keyDim: 3 }), /numHeads must be a positive integer, received 0/);
  assert.throws(() => new Attention({ scoreMode: 'cosine' as 'dot' }), /scoreMode must be 'dot' or 'concat', received 'cosine'/);
});

test('a value mask keeps weight off padding; a causal mask keeps it off the future', () => {
  const q = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 5);
  const v = tf.randomNormal([1, 3, 4], 0, 1, 'float32', 6);
  const [, w] = new Attention().apply([q, v], { mask: [null, tf.tensor2d([[1, 1, 0]], undefined, 'bool')], returnAttentionScores: true }) as tf.Tensor[];
  const wv = w.arraySync() as number[][][];
  for (const row of wv[0]) {
    assert.equal(row[2], 0);
    assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-6);
  }
  const [, c] = new Attention({ useCausalMask: true, returnAttentionScores: true }).apply([q, v]) as tf.Tensor[];
  const cv = c.arraySync() as number[][][];
  assert.deepEqual([cv[0][0][1], cv[0][0][2], cv[0][1][2]], [0, 0, 0]);
});

test('dropout changes weights only while training', () => {
  const layer = new Attention({ dropout: 0.5 });
  const q = tf.randomNormal([1, 4, 4], 0, 1, 'float32', 1);
  const v = tf.randomNormal([1, 6, 4], 0, 1, 'float32', 2);
  const inference = layer.apply([q, v], { training: false }) as tf.Tensor;
  const again = layer.apply([q, v]) as tf.Tensor;
  assert.deepEqual(Array.from(inference.dataSync()), Array.from(again.dataSync()));
  const [, trainingWeights] = layer.apply([q, v], { training: true, returnAttentionScores: true }) as tf.Tensor[];
  assert.ok(Array.from(trainingWeights.dataSync()).length === 24);
  const trained = layer.apply([q, v], { training: true }) as tf.Tensor;
  assert.notDeepEqual(Array.from(trained.dataSync()), Array.from(inference.dataSync()));
});

test('no tensor leaks from repeated layer calls inside tf.tidy', () => {
  const layers = [new Attention({ scoreMode: 'concat' }), new AdditiveAttention(), new MultiHeadAttention({ numHeads: 2, keyDim: 2, useCausalMask: true })];
  const q = tf.randomNormal([2, 3, 4]);
  const v = tf.randomNormal([2, 3, 4]);
  const mask = [tf.ones([2, 3], 'bool'), tf.tensor2d([[1, 1, 0], [1, 0, 0]], undefined, 'bool')];
  const run = () => tf.tidy(() => { for (const l of layers) l.apply([q, v], { mask, returnAttentionScores: true }); });
  run(); // builds the weights
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) run();
  assert.equal(tf.memory().numTensors, before);
});

test('computeMask follows the input masks and the layer config only (not the last call); returnAttentionScores per call works either way', () => {
  const q = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 7);
  const v = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 8);
  const qm = tf.tensor2d([[1, 1, 0], [1, 0, 0]], undefined, 'bool');
  const vm = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], undefined, 'bool');
  const makers: Array<[string, (scores: boolean) => tf.layers.Layer]> = [
    ['Attention', (s) => new Attention({ returnAttentionScores: s })],
    ['AdditiveAttention', (s) => new AdditiveAttention({ returnAttentionScores: s })],
    ['MultiHeadAttention', (s) => new MultiHeadAttention({ numHeads: 2, keyDim: 2, returnAttentionScores: s })],
  ];
  for (const [name, make] of makers) {
    for (const configured of [false, true]) {
      const layer = make(configured);
      const expected = configured ? [qm, null] : qm;
      for (const perCall of [!configured, configured, undefined]) {
        const out = layer.apply([q, v], { mask: [qm, vm], returnAttentionScores: perCall });
        assert.equal(Array.isArray(out) ? out.length : 1, (perCall ?? configured) ? 2 : 1, `${name} (config ${configured}, call ${perCall}): outputs`);
        assert.deepEqual(layer.computeMask([q, v], [qm, vm]), expected, `${name} (config ${configured}) after a call with ${perCall}: computeMask`);
        tf.dispose(out as tf.Tensor | tf.Tensor[]);
      }
      assert.deepEqual(layer.computeMask([q, v], [null as unknown as tf.Tensor, vm]), configured ? [null, null] : null, `${name}: no query mask, no output mask`);
      for (const w of layer.weights) w.dispose();
    }
  }
  tf.dispose([q, v, qm, vm]);
});

test('the layers compute what the functional core computes (scores, scoreMask, attentionPool)', () => {
  const q = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 11) as tf.Tensor3D;
  const v = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 12) as tf.Tensor3D;
  const qm = tf.tensor2d([[1, 1, 0], [1, 1, 1]], undefined, 'bool');
  const vm = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], undefined, 'bool');
  const s = tf.scalar(0.7);
  const w = tf.scalar(-1.3);
  for (const mode of ['dot', 'concat'] as const) {
    const layer = new Attention({ scoreMode: mode, useScale: true, useCausalMask: true, returnAttentionScores: true });
    layer.build([q.shape, v.shape]);
    layer.setWeights(mode === 'dot' ? [s] : [s, w]);
    const [out, weights] = layer.apply([q, v], { mask: [qm, vm] }) as tf.Tensor[];
    const scores = mode === 'dot' ? scaledDotScore(q, v, s) : (tf.mul(additiveScore(tf.mul(q, s) as tf.Tensor3D, tf.mul(v, s) as tf.Tensor3D), w) as tf.Tensor3D);
    const core = attentionPool(scores, v, scoreMask({ valueMask: vm, causal: true }, 3, 5));
    assert.deepEqual(Array.from(weights.dataSync()), Array.from(core.weights.dataSync()), `${mode}: weights`);
    assert.deepEqual(Array.from(out.dataSync()), Array.from(tf.mul(core.context, qm.cast('float32').expandDims(2)).dataSync()), `${mode}: output`);
  }
  const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
  mha.apply([q, v]);
  assert.throws(() => mha.apply([q, v], { attentionMask: tf.ones([2, 3, 4], 'bool') } as never), /MultiHeadAttention: attentionMask must have shape \[batch, Tq, Tv\] = \[2, 3, 5\], received \[2, 3, 4\]/);
});
