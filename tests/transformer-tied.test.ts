// The Transformer with tieOutput: the output layer is the target embedding transposed (logits = LN(x) Eᵀ + b).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { disposeBatch, makeBatch, tf, Transformer, type TransformerConfig } from '../src';

const cfg: TransformerConfig = { kind: 'transformer', sourceVocabSize: 13, targetVocabSize: 11, dModel: 16, numHeads: 4, ffDim: 32, encoderLayers: 2, decoderLayers: 2, dropout: 0, seed: 3 };
const examples = [
  { source: [4, 5, 6, 7, 8], target: [3, 4, 5, 6] },
  { source: [9, 10, 11], target: [7, 8] },
];
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('tieOutput: no output kernel (V·d fewer weights); the logits are those of an untied model whose kernel is Eᵀ; gradients add up', () => {
  const tied = new Transformer({ ...cfg, tieOutput: true });
  const untied = new Transformer(cfg);
  assert.equal(tied.weights.entries().some(([n]) => n === 'output/kernel'), false);
  assert.equal(untied.countParams() - tied.countParams(), cfg.dModel * cfg.targetVocabSize);
  // every other weight is seeded by its name: the same values in both; give the untied model Eᵀ as its kernel
  untied.weights.entries().find(([n]) => n === 'output/kernel')![1].assign(tf.transpose(tied.weights.read('decoder/embedding')));
  const b = makeBatch(examples);
  tf.tidy(() => {
    const [lt, lu] = [tied, untied].map((m) => m.forward(b.source, b.sourceMask, b.targetIn).logits);
    assert.ok(maxDiff(lt, lu) < 1e-6, `logits differ by ${maxDiff(lt, lu)}`);
    // d loss / d E of the tied model = the untied model's d/dE + (d/dW_out)ᵀ: the embedding learns from both uses
    const loss = (m: Transformer) => () => tf.sum(tf.mul(m.forward(b.source, b.sourceMask, b.targetIn).logits, tf.randomNormal(b.targetIn.shape.concat(11), 0, 1, 'float32', 5))) as tf.Scalar;
    const gt = tf.variableGrads(loss(tied)).grads;
    const gu = tf.variableGrads(loss(untied)).grads;
    const name = (m: Transformer, n: string) => m.weights.entries().find(([k]) => k === n)![1].name;
    const expected = tf.add(gu[name(untied, 'decoder/embedding')], tf.transpose(gu[name(untied, 'output/kernel')]));
    const got = gt[name(tied, 'decoder/embedding')];
    assert.ok(maxDiff(got, expected) < 1e-5 && tf.max(tf.abs(expected)).dataSync()[0] > 1e-3, `embedding gradient off by ${maxDiff(got, expected)}`);
  });
  disposeBatch(b);
  tied.dispose();
  untied.dispose();
});

test('tieOutput: cached and uncached decoding agree to 1e-5; a bad value is refused', () => {
  const model = new Transformer({ ...cfg, tieOutput: true });
  const b = makeBatch(examples);
  const before = tf.memory().numTensors;
  const fast = model.stepDecoder(b.source, b.sourceMask);
  const slow = model.stepDecoder(b.source, b.sourceMask, { cache: false });
  let [sf, ss] = [fast.init(2), slow.init(2)];
  let prev = [1, 1];
  let worst = 0;
  for (let t = 0; t < 6; t++) {
    const p = tf.tensor1d(prev, 'int32');
    const [a, c] = [fast.step(p, sf), slow.step(p, ss)];
    worst = Math.max(worst, maxDiff(a.logProbs, c.logProbs));
    fast.dispose(sf);
    slow.dispose(ss);
    [sf, ss] = [a.state, c.state];
    prev = Array.from(tf.tidy(() => tf.argMax(a.logProbs, 1).dataSync()));
    tf.dispose([p, a.logProbs, a.attention!, c.logProbs, c.attention!]);
  }
  fast.dispose(sf);
  slow.dispose(ss);
  assert.ok(worst < 1e-5, `cached and uncached differ by ${worst}`);
  assert.equal(tf.memory().numTensors, before, 'decoding leaked tensors');
  disposeBatch(b);
  model.dispose();
  assert.throws(() => new Transformer({ ...cfg, tieOutput: 'yes' as unknown as boolean }), /transformer config: tieOutput must be true or false, not "yes"/);
});
