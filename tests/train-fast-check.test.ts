// fastAndAutodiffGradients: the gradient check chapter 05 runs returns both gradient sets for every weight,
// equal within the fast step's test tolerance (tests/train-fast.test.ts), leaves nothing behind, and refuses
// a model the fast step does not cover.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { disposeBatch, fastAndAutodiffGradients, makeBatch, Seq2Seq, tf, type Example } from '../src';

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
  tf.tidy(() => {
    const G = Math.max(...sets.weights.map((w) => tf.max(tf.abs(w.autodiff)).dataSync()[0]));
    for (const w of sets.weights) {
      assert.deepEqual(w.fast.shape, w.autodiff.shape, `${w.name}: shape`);
      const maxRef = tf.max(tf.abs(w.autodiff)).dataSync()[0];
      const maxDiff = tf.max(tf.abs(tf.sub(w.fast, w.autodiff))).dataSync()[0];
      assert.ok(maxDiff <= 1e-5 * maxRef + 1e-6 * G, `${w.name}: max |fast − autodiff| ${maxDiff}, max |autodiff| ${maxRef}, G ${G}`);
    }
  });
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
