// fastAndAutodiffGradients: the gradient check chapter 05 runs returns both gradient sets for every weight,
// equal within the fast step's test tolerance (tests/train-fast.test.ts), leaves nothing behind, and refuses
// a model the fast step does not cover.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { disposeBatch, fastAndAutodiffGradients, GRADIENT_TOLERANCE, gradientAgreement, makeBatch, Seq2Seq, tf, type Example } from '../src';

const examples: Example[] = Array.from({ length: 6 }, (_, i) => ({
  source: Array.from({ length: 2 + ((i * 3) % 5) }, (_, j) => 4 + ((i * 7 + j * 3) % 7)),
  target: Array.from({ length: 1 + ((i * 2) % 4) }, (_, j) => 4 + ((i + j * 5) % 7)),
}));
const config = { kind: 'bahdanau' as const, cell: 'gru' as const, encoder: 'rnn' as const, sourceVocabSize: 11, targetVocabSize: 11, embeddingDim: 6, units: 8, attentionUnits: 7, seed: 3 };

test('fastAndAutodiffGradients: both gradient sets for every weight, by short name, equal within tolerance; nothing left behind', () => {
  const model = new Seq2Seq(config);
  const batch = makeBatch(examples);
  const before = tf.memory().numTensors;
  const sets = fastAndAutodiffGradients(model, batch);
  assert.deepEqual(sets.weights.map((w) => w.name), model.weights.entries().map(([name]) => name));
  assert.ok(Math.abs(sets.loss.fast - sets.loss.autodiff) < 1e-6, `losses ${sets.loss.fast} vs ${sets.loss.autodiff}`);
  const rows = gradientAgreement(sets.weights);
  for (const r of rows) assert.ok(r.within, `${r.name}: max |fast − autodiff| ${r.maxDiff}, max |autodiff| ${r.maxGrad}, tolerance ${r.tolerance}`);
  assert.equal(tf.memory().numTensors, before + 2 * rows.length, 'gradientAgreement leaves nothing behind');
  tf.dispose(sets.weights.flatMap((w) => [w.fast, w.autodiff]));
  assert.equal(tf.memory().numTensors, before, 'only the returned gradients were left, and they are disposed');
  disposeBatch(batch);
  model.dispose();
});

test('fastAndAutodiffGradients refuses a model the fast step does not cover, naming why, and leaves nothing behind', () => {
  const model = new Seq2Seq({ ...config, encoder: 'cnn' });
  const batch = makeBatch(examples);
  const before = tf.memory().numTensors;
  assert.throws(() => fastAndAutodiffGradients(model, batch), /the fast step cannot run: the cnn encoder has no hand-written backward pass/);
  assert.equal(tf.memory().numTensors, before);
  disposeBatch(batch);
  model.dispose();
});

test('gradientAgreement: the tolerance is relative to the weight and to the model, and it catches a wrong gradient', () => {
  const pair = (name: string, autodiff: number[], fast: number[]) => ({ name, autodiff: tf.tensor1d(autodiff), fast: tf.tensor1d(fast) });
  const weights = [
    pair('big', [0.5, -0.25], [0.5 + 2e-6, -0.25]), // 2e-6 ≤ 1e-5 · 0.5 + 1e-6 · 0.5 = 5.5e-6
    pair('tiny', [1e-9, 2e-9], [1e-9, 2e-9 + 4e-7]), // 4e-7 ≤ 1e-5 · 2e-9 + 1e-6 · 0.5: the model term covers it
    pair('wrong', [0.1, 0.2], [0.1, 0.2 + 1e-5]), // 1e-5 > 1e-5 · 0.2 + 1e-6 · 0.5 = 2.5e-6
  ];
  const rows = gradientAgreement(weights);
  assert.deepEqual(rows.map((r) => [r.name, r.within]), [['big', true], ['tiny', true], ['wrong', false]]);
  assert.ok(Math.abs(rows[2].tolerance - (GRADIENT_TOLERANCE.relative * 0.2 + GRADIENT_TOLERANCE.ofModel * 0.5)) < 1e-12);
  assert.ok(Math.abs(rows[0].relative - 2e-6 / 0.5) < 1e-7);
  tf.dispose(weights.flatMap((w) => [w.fast, w.autodiff]));
  assert.throws(() => gradientAgreement([pair('x', [1, 2], [1])]), /x has shape \[1\] from the fast step but \[2\] from autodiff/);
});
