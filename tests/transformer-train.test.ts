// Training a Transformer with the library's trainer, and the trainer options the Transformer recipe needs:
// label smoothing (masked cross-entropy against a smoothed target) and learning-rate warm-up (Vaswani et al.).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { maskedCrossEntropy, tf, vaswaniLearningRate, warmupFactor } from '../src';

// two sequences of 3 positions over V = 4; the second has one padding position
const logits = [
  [[1, 2, 0.5, -1], [0, 0, 3, 1], [2, -2, 1, 0]],
  [[0.3, 0.1, -0.4, 2], [1.5, 0, 0, -1], [9, 9, 9, 9]],
];
const targets = [[1, 2, 0], [3, 0, 0]];
const mask = [[1, 1, 1], [1, 1, 0]];

/** The smoothed loss written out in plain numbers. */
function byHand(eps: number): number {
  let sum = 0;
  let n = 0;
  logits.forEach((row, b) => row.forEach((z, t) => {
    if (!mask[b][t]) return;
    const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
    const logp = z.map((v) => v - lse);
    const q = logp.map((_, v) => (1 - eps) * (v === targets[b][t] ? 1 : 0) + eps / z.length);
    sum += -q.reduce((a, qv, v) => a + qv * logp[v], 0);
    n++;
  }));
  return sum / n;
}

test('label smoothing: equals the hand computation (padding masked); ε = 0 is the plain loss bit for bit', () => {
  const z = tf.tensor3d(logits);
  const y = tf.tensor2d(targets, undefined, 'int32');
  const m = tf.tensor2d(mask, undefined, 'bool');
  for (const eps of [0, 0.1, 0.5]) {
    const got = maskedCrossEntropy(z, y, m, { labelSmoothing: eps }).dataSync()[0];
    assert.ok(Math.abs(got - byHand(eps)) < 1e-5, `ε = ${eps}: ${got} vs ${byHand(eps)} by hand`);
  }
  assert.ok(byHand(0.1) - byHand(0) > 0.01, 'the example cannot tell smoothing from none');
  assert.equal(maskedCrossEntropy(z, y, m, { labelSmoothing: 0 }).dataSync()[0], maskedCrossEntropy(z, y, m).dataSync()[0]);
  // the padding position's logits do not matter
  const other = tf.tensor3d(logits.map((r, b) => r.map((row, t) => (mask[b][t] ? row : [-5, 7, 0, 1]))));
  assert.equal(maskedCrossEntropy(other, y, m, { labelSmoothing: 0.1 }).dataSync()[0], maskedCrossEntropy(z, y, m, { labelSmoothing: 0.1 }).dataSync()[0]);
  assert.throws(() => maskedCrossEntropy(z, y, m, { labelSmoothing: 1 }), /labelSmoothing must be in \[0, 1\), not 1/);
  tf.dispose([z, y, m, other]);
});

test('warm-up: linear rise to the peak at `warmup` steps, then 1/√step; scaled it is Vaswani et al.\'s schedule', () => {
  assert.equal(warmupFactor(1, 4), 0.25);
  assert.equal(warmupFactor(2, 4), 0.5);
  assert.equal(warmupFactor(4, 4), 1);
  assert.equal(warmupFactor(16, 4), 0.5);
  for (const [d, w] of [[128, 4000], [512, 4000], [64, 10]]) {
    for (const s of [1, 2, w - 1, w, w + 1, 3 * w, 100000]) {
      const ours = (d * w) ** -0.5 * warmupFactor(s, w);
      assert.ok(Math.abs(ours - vaswaniLearningRate(s, d, w)) <= 1e-12 * vaswaniLearningRate(s, d, w), `d ${d}, warmup ${w}, step ${s}`);
    }
  }
  assert.ok(Math.abs(vaswaniLearningRate(4000, 512, 4000) - 512 ** -0.5 * 4000 ** -0.5) < 1e-15); // the peak
  assert.throws(() => warmupFactor(0, 4), /step must be an integer ≥ 1/);
  assert.throws(() => warmupFactor(1, 0), /warmup must be an integer ≥ 1, not 0/);
});
