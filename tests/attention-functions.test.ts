// Score functions, masks, masked softmax and pooling against hand computation.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  additiveScore, attentionPool, causalMask, dotScore, generalScore, maskedSoftmax, paddingMask, projectKeys,
  scaledDotScore, scoreMask, softmaxMaskTerms, tf,
} from '../src';

const close = (actual: tf.Tensor, expected: number[] | number[][] | number[][][], tol = 1e-5) => {
  const a = actual.arraySync() as unknown;
  const flatA = ([a] as unknown[]).flat(4) as number[];
  const flatE = ([expected] as unknown[]).flat(4) as number[];
  assert.equal(flatA.length, flatE.length, `size ${flatA.length} vs ${flatE.length}`);
  flatA.forEach((v, i) => assert.ok(Math.abs(v - flatE[i]) <= tol, `element ${i}: ${v} vs ${flatE[i]}`));
};

// One batch, two queries, three keys, d = 2: small integers so every score is checkable by eye.
const q = () => tf.tensor3d([[[1, 0], [1, 2]]]); // [1, 2, 2]
const k = () => tf.tensor3d([[[1, 1], [0, 1], [2, -1]]]); // [1, 3, 2]

test('dotScore is qᵀk for every query/key pair', () => {
  close(dotScore(q(), k()), [[[1, 0, 2], [3, 2, 0]]]);
});

test('scaledDotScore divides by √d (or multiplies by the given scale)', () => {
  const r = Math.SQRT1_2;
  close(scaledDotScore(q(), k()), [[[r, 0, 2 * r], [3 * r, 2 * r, 0]]]);
  close(scaledDotScore(q(), k(), 10), [[[10, 0, 20], [30, 20, 0]]]);
});

test('generalScore is qᵀ W k', () => {
  const w = tf.tensor2d([[2, 0], [1, 1]]); // W k for k = (1,1): (2, 2); (0,1): (0, 1); (2,-1): (4, 1)
  close(generalScore(q(), k(), w), [[[2, 0, 4], [6, 2, 6]]]);
});

test('additiveScore is vᵀ tanh(W_q q + W_k k + b), from precomputed key projections', () => {
  const qp = tf.tensor3d([[[0.5, -1]]]); // [1, 1, 2]
  const kp = projectKeys(tf.tensor3d([[[1, 0], [0, 1]]]), tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([0.1, 0])); // [[1.1, 2], [3.1, 4]]
  close(kp, [[[1.1, 2], [3.1, 4]]]);
  const v = tf.tensor1d([2, -1]);
  const b = tf.tensor1d([0, 0.5]);
  const hand = (x: number, y: number) => 2 * Math.tanh(0.5 + x) - Math.tanh(-1 + y + 0.5);
  close(additiveScore(qp, kp, v, b), [[[hand(1.1, 2), hand(3.1, 4)]]]);
  close(additiveScore(qp, kp), [[[Math.tanh(1.6) + Math.tanh(1), Math.tanh(3.6) + Math.tanh(3)]]]);
});

test('maskedSoftmax: the formula, exact zeros where masked, zeros (not NaN) for a fully masked row', () => {
  const e = tf.tensor2d([[1, 2, 3], [1, 2, 3], [5, 5, 5]]);
  const m = tf.tensor2d([[1, 1, 1], [1, 0, 1], [0, 0, 0]], undefined, 'bool');
  const z = Math.exp(1) + Math.exp(3);
  const full = [1, 2, 3].map((x) => Math.exp(x) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
  close(maskedSoftmax(e, m), [full, [Math.exp(1) / z, 0, Math.exp(3) / z], [0, 0, 0]]);
  close(maskedSoftmax(e), [full, full, [1 / 3, 1 / 3, 1 / 3]]);
});

test('maskedSoftmax is stable for huge scores and gives masked entries zero gradient', () => {
  const e = tf.tensor2d([[1e4, 1e4 - 1, -1e4]]);
  const m = tf.tensor2d([[1, 1, 0]], undefined, 'bool');
  const w = maskedSoftmax(e, m);
  close(w, [[1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1)), 0]]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(x, m), tf.tensor2d([[1, 2, 3]]))))(e);
  const gv = g.dataSync();
  assert.ok(gv.every(Number.isFinite));
  assert.equal(gv[2], 0);
  // real scores far below a masked one must not overflow exp() at the masked position
  const low = maskedSoftmax(tf.tensor2d([[-1000, 5, -999]]), tf.tensor2d([[1, 0, 1]], undefined, 'bool'));
  close(low, [[1 / (1 + Math.E), 0, Math.E / (1 + Math.E)]]);
  const empty = tf.grad((x: tf.Tensor) => tf.sum(maskedSoftmax(x, tf.zeros([1, 3], 'bool'))))(e);
  assert.deepEqual(Array.from(empty.dataSync()), [0, 0, 0]);
});

test('paddingMask, causalMask and scoreMask build the boolean masks Keras uses', () => {
  // bool tensors read back as 1/0
  assert.equal(paddingMask([3, 1, 0], 3).dtype, 'bool');
  assert.deepEqual(paddingMask([3, 1, 0], 3).arraySync(), [[1, 1, 1], [1, 0, 0], [0, 0, 0]]);
  assert.deepEqual(causalMask(3, 3).arraySync(), [[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
  assert.deepEqual(causalMask(2, 3, 1).arraySync(), [[1, 1, 0], [1, 1, 1]]);
  const m = scoreMask({ valueMask: paddingMask([2], 3), queryMask: paddingMask([1], 2), causal: true }, 2, 3)!;
  assert.deepEqual(m.arraySync(), [[[1, 0, 0], [0, 0, 0]]]);
  assert.equal(scoreMask({}, 2, 3), undefined);
  // a key mask (MultiHeadAttention's third mask) ANDs with the value mask; an attention mask ANDs with all
  const both = scoreMask({ valueMask: tf.tensor2d([[1, 1, 0]], undefined, 'bool'), keyMask: tf.tensor2d([[0, 1, 1]], undefined, 'bool'), attentionMask: tf.tensor3d([[[1, 1, 1], [1, 0, 1]]], undefined, 'bool') }, 2, 3)!;
  assert.deepEqual(both.arraySync(), [[[0, 1, 0], [0, 0, 0]]]);
  assert.throws(() => paddingMask([4], 3), /paddingMask: every length must be an integer in \[0, 3\], got 4/);
});

test('attentionPool returns weights that sum to 1 and the weighted average of the values', () => {
  const scores = tf.tensor3d([[[0, Math.log(3)]]]); // weights 1/4, 3/4
  const values = tf.tensor3d([[[4, 0], [0, 8]]]);
  const { context, weights } = attentionPool(scores, values);
  close(weights, [[[0.25, 0.75]]]);
  close(context, [[[1, 6]]]);
  assert.deepEqual(context.shape, [1, 1, 2]);
});

test('attentionPool with dropout: the context averages the dropped (and rescaled) weights; the weights returned are α before dropout', () => {
  const scores = tf.zeros([1, 1, 4]) as tf.Tensor3D; // α = 1/4 each
  const values = tf.tensor3d([[[1], [10], [100], [1000]]]);
  const { context, weights } = attentionPool(scores, values, undefined, { dropout: 0.5 });
  close(weights, [[[0.25, 0.25, 0.25, 0.25]]]);
  // each kept weight is 1/4 / (1 − 0.5) = 1/2, so 2·context is a sum of distinct values from {1, 10, 100, 1000}:
  // an integer whose digits are 0 or 1 (without dropout 2·context would be 555.5)
  const twice = 2 * context.dataSync()[0];
  assert.ok(Math.abs(twice - Math.round(twice)) < 1e-3 && /^[01]+$/.test(String(Math.round(twice))), `context ${twice / 2} is not half a sum of kept values`);
  assert.throws(() => attentionPool(scores, values, undefined, { dropout: 1 }), /attentionPool: dropout must be in \[0, 1\), received 1/);
  tf.dispose([scores, values, context, weights]);
});

test('shape errors name the function, the arguments and both shapes', () => {
  assert.throws(() => dotScore(tf.zeros([1, 2, 3]) as tf.Tensor3D, tf.zeros([1, 4, 5]) as tf.Tensor3D),
    /dotScore: query \[1, 2, 3\] and keys \[1, 4, 5\] disagree: axis -1 of query is 3, axis -1 of keys is 5/);
  assert.throws(() => dotScore(tf.zeros([2, 3]) as unknown as tf.Tensor3D, tf.zeros([1, 4, 3]) as tf.Tensor3D), /dotScore: query must have rank 3 or 4, received shape \[2, 3\]/);
  assert.throws(() => generalScore(q(), k(), tf.zeros([3, 2]) as tf.Tensor2D), /generalScore: query \[1, 2, 2\] and W \[3, 2\] disagree/);
  assert.throws(() => attentionPool(tf.zeros([1, 2, 3]) as tf.Tensor3D, tf.zeros([1, 4, 2]) as tf.Tensor3D), /attentionPool: scores .* and values .* disagree/);
});

test('no tensor leaks: repeated calls inside tf.tidy leave numTensors unchanged', () => {
  const qq = q();
  const kk = k();
  const w = tf.tensor2d([[1, 0], [0, 1]]);
  const v = tf.tensor1d([1, 1]);
  const mask = tf.tensor3d([[[1, 1, 0], [1, 1, 1]]], undefined, 'bool');
  const run = () => tf.tidy(() => {
    attentionPool(dotScore(qq, kk), kk, mask);
    attentionPool(scaledDotScore(qq, kk), kk, mask);
    attentionPool(generalScore(qq, kk, w), kk, mask);
    additiveScore(qq, projectKeys(kk, w), v);
  });
  run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) run();
  assert.equal(tf.memory().numTensors, before);
  // and the functions themselves tidy their intermediates: one call adds exactly its outputs
  const b2 = tf.memory().numTensors;
  const { context, weights } = attentionPool(dotScore(qq, kk), kk, mask);
  assert.equal(tf.memory().numTensors, b2 + 3); // the score tensor, context, weights
  tf.dispose([context, weights]);
});

test('maskedSoftmax with a mask\'s precomputed terms equals maskedSoftmax with the mask, to the bit', () => {
  const before = tf.memory().numTensors;
  const scores = tf.tensor3d([[[1, 2, 3, 4], [0.5, -1, 2, 9]]]);
  const mask = tf.tensor3d([[[1, 1, 0, 1]]], undefined, 'bool');
  const terms = softmaxMaskTerms(mask);
  const [a, b] = [maskedSoftmax(scores, mask), maskedSoftmax(scores, terms)];
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  assert.deepEqual(Array.from(terms.keep.dataSync()), [1, 1, 0, 1]);
  assert.deepEqual(Array.from(terms.bias.dataSync(), (x) => x + 0), [0, 0, Math.fround(-1e9), 0]); // (1 − 1)·(−10⁹) is −0
  tf.dispose([scores, mask, terms.bias, terms.keep, a, b]);
  assert.equal(tf.memory().numTensors, before);
});
