// The fast training step (src/train/fast): its gradients equal tf.variableGrads of the model's own forward
// pass for every configuration it covers, with padding in sources and targets; training with it follows
// the autodiff trainer's losses; it leaves no tfjs tensor and no native handle behind; it refuses, naming
// the op and versions, when the backend lacks an op; and which step ran is always reported.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { disposeBatch, makeBatch, maskedCrossEntropy, Seq2Seq, Seq2SeqConfig, tf, train, type Example } from '../src';
import { backendHasOp, FAST_STEP_OPS } from '../src/train/fast/native';
import { gradientAgreement } from '../src/train/fast/check';
import { makeTrainStep } from '../src/train/fast/step';
import { makeOptimizer } from '../src/train/trainer';

const V = 11;
// source lengths 2..6 and target lengths 1..4 (+ </s>): both sides padded within the batch
const examples: Example[] = Array.from({ length: 24 }, (_, i) => ({
  source: Array.from({ length: 2 + ((i * 3) % 5) }, (_, j) => 4 + ((i * 7 + j * 3) % 7)),
  target: Array.from({ length: 1 + ((i * 2) % 4) }, (_, j) => 4 + ((i + j * 5) % 7)),
}));

const base = { sourceVocabSize: V, targetVocabSize: V, embeddingDim: 6, units: 8, attentionUnits: 7, seed: 3 };
const configs: Seq2SeqConfig[] = [];
for (const kind of ['bahdanau', 'baseline', 'luong'] as const) {
  for (const cell of ['gru', 'lstm'] as const) {
    for (const encoder of ['rnn', 'birnn'] as const) {
      for (const luongScore of kind === 'luong' ? (encoder === 'rnn' ? (['general', 'dot'] as const) : (['general'] as const)) : [undefined]) {
        configs.push({ ...base, kind, cell, encoder, ...(luongScore ? { luongScore } : {}) });
      }
    }
  }
}
const label = (c: Seq2SeqConfig) => `${c.kind}${c.luongScore ? `/${c.luongScore}` : ''} ${c.cell} ${c.encoder}`;

/**
 * Tolerance: per weight w, max|fast − autodiff| ≤ 1e-5 · max|g_w| + 1e-6 · G, G = the largest gradient entry of
 * the model. Both sides are float32 with the same equations summed in different orders (bulk matMuls over all
 * steps against per-step tape accumulation), so entries agree to a few float32 ulps of the terms summed: measured
 * ≤ 6e-7 relative to max|g_w| for every weight but one. The exception is the Bahdanau query kernel: dq = Σ_j
 * (1 − H_j²) ⊙ v de_j with Σ_j de_j = 0 is a small difference of large terms, so its rounding error is set by
 * the terms (hence the G term); autodiff with its ops reordered disagrees with itself the same way.
 */
function compareGrads(c: Seq2SeqConfig, fast: tf.NamedTensorMap, ref: tf.NamedTensorMap, nonTrivial: boolean): number {
  assert.deepEqual(Object.keys(fast).sort(), Object.keys(ref).sort(), `${label(c)}: the same variables`);
  const rows = gradientAgreement(Object.keys(ref).map((name) => ({ name, fast: fast[name], autodiff: ref[name] })));
  const G = Math.max(...rows.map((r) => r.maxGrad));
  for (const r of rows) {
    if (nonTrivial) assert.ok(r.maxGrad > 1e-4 * G, `${label(c)} ${r.name}: the reference gradient is too small (${r.maxGrad}) to test anything`);
    assert.ok(r.within, `${label(c)} ${r.name}: max |fast − autodiff| = ${r.maxDiff}, max |autodiff| = ${r.maxGrad}, G = ${G}, tolerance ${r.tolerance}`);
  }
  return Math.max(...rows.map((r) => r.relative));
}

function referenceGrads(m: Seq2Seq, b: ReturnType<typeof makeBatch>): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  return tf.variableGrads(() => maskedCrossEntropy(m.forward(b.source, b.sourceMask, b.targetIn).logits, b.targetOut, b.targetMask), m.trainableVariables);
}

test('fast gradients equal tf.variableGrads for every covered configuration, at initial and at trained weights, with padded sources and targets', () => {
  const batch = makeBatch(examples.slice(0, 7));
  assert.ok(batch.sourceMask.dataSync().includes(0) && batch.targetMask.dataSync().includes(0), 'the batch is padded on both sides');
  const worst: string[] = [];
  for (const c of configs) {
    const m = new Seq2Seq(c);
    const step = makeTrainStep(m, 'fast');
    assert.equal(step.kind, 'fast');
    const adam = makeOptimizer({}, 0.05);
    tf.tidy(() => {
      const fast = step.run(batch);
      const ref = referenceGrads(m, batch);
      assert.ok(Math.abs(fast.loss.dataSync()[0] - ref.value.dataSync()[0]) < 1e-6, `${label(c)}: loss`);
      const w0 = compareGrads(c, fast.grads, ref.grads, false);
      // move the weights away from their initial values (the attention's gradients are tiny there), then compare again
      for (let i = 0; i < 8; i++) tf.tidy(() => adam.applyGradients(referenceGrads(m, batch).grads));
      const w1 = compareGrads(c, step.run(batch).grads, referenceGrads(m, batch).grads, true);
      worst.push(`${label(c)}: ${w0.toExponential(1)} / ${w1.toExponential(1)}`);
    });
    adam.dispose();
    step.dispose();
    m.dispose();
  }
  disposeBatch(batch);
  console.log(`worst max|fast − autodiff| / max|autodiff| per config (initial / trained weights):\n  ${worst.join('\n  ')}`);
});

test('with dropout, fast gradients equal tf.variableGrads of the forward pass in training mode (the same masks), for every covered configuration', () => {
  const batch = makeBatch(examples.slice(0, 7));
  for (const c0 of configs) {
    const c: Seq2SeqConfig = { ...c0, dropout: 0.3 };
    const m = new Seq2Seq(c);
    const step = makeTrainStep(m, 'fast');
    tf.tidy(() => {
      const ref = tf.variableGrads(() => maskedCrossEntropy(m.forward(batch.source, batch.sourceMask, batch.targetIn, { training: true }).logits, batch.targetOut, batch.targetMask), m.trainableVariables);
      const plain = maskedCrossEntropy(m.forward(batch.source, batch.sourceMask, batch.targetIn).logits, batch.targetOut, batch.targetMask);
      const fast = step.run(batch);
      assert.ok(Math.abs(fast.loss.dataSync()[0] - ref.value.dataSync()[0]) < 1e-6, `${label(c)}: loss ${fast.loss.dataSync()[0]} vs ${ref.value.dataSync()[0]}`);
      assert.ok(Math.abs(plain.dataSync()[0] - ref.value.dataSync()[0]) > 1e-5, `${label(c)}: dropout changes the training loss (${plain.dataSync()[0]} without, ${ref.value.dataSync()[0]} with)`);
      compareGrads(c, fast.grads, ref.grads, false);
    });
    step.dispose();
    m.dispose();
  }
  disposeBatch(batch);
});

test('20 training steps with the fast step follow the autodiff trainer\'s losses', async () => {
  const diffs: string[] = [];
  for (const [i, c] of configs.entries()) {
    const losses = async (step: 'fast' | 'autodiff', optimizer: 'adam' | 'rmsprop') => {
      const m = new Seq2Seq(c);
      const r = await train(m, { train: examples }, { epochs: 20, maxBatchesPerEpoch: 1, batchSize: 6, seed: 5, step, optimizer, learningRate: 0.02, lrDecay: 0.95, clipNorm: 1, progress: 'silent' });
      m.dispose();
      assert.equal(r.step, step);
      return r.history.map((h) => h.loss);
    };
    const optimizer = i % 3 === 2 ? 'rmsprop' : 'adam';
    const [a, f] = [await losses('autodiff', optimizer), await losses('fast', optimizer)];
    const d = Math.max(...a.map((x, i) => Math.abs(x - f[i])));
    assert.ok(a[19] < a[0] - 0.1, `${label(c)}: the loss went down (${a[0]} → ${a[19]})`);
    assert.ok(d < 1e-5, `${label(c)} (${optimizer}): 20-step losses differ by ${d}\n autodiff ${a}\n fast     ${f}`);
    diffs.push(`${label(c)} ${optimizer}: ${d.toExponential(1)}`);
  }
  console.log(`max |fast − autodiff| loss over 20 steps:\n  ${diffs.join('\n  ')}`);
});

test('a fast step leaves no tfjs tensor and no native handle behind', () => {
  const batch = makeBatch(examples.slice(3, 9));
  for (const c of [configs[0], configs.find((x) => x.cell === 'lstm' && x.encoder === 'birnn' && x.kind === 'luong')!]) {
    const m = new Seq2Seq(c);
    const step = makeTrainStep(m, 'fast');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const counts: string[] = [];
    let constants = -1;
    for (let i = 0; i < 3; i++) {
      const tensors = tf.memory().numTensors;
      const dataIds = backend.numDataIds();
      const before = step.handleCounts()!;
      tf.tidy(() => {
        const out = step.run(batch);
        assert.equal(Object.keys(out.grads).length, m.trainableVariables.length);
      });
      const after = step.handleCounts()!;
      assert.equal(tf.memory().numTensors, tensors, `${label(c)} step ${i + 1}: tfjs tensors left`);
      assert.equal(backend.numDataIds(), dataIds, `${label(c)} step ${i + 1}: backend data left`);
      assert.equal(after.created - after.deleted - after.transferred, after.live, 'the counter is consistent');
      assert.equal(after.transferred - before.transferred, m.trainableVariables.length + 2, 'only the gradients, loss and accuracy go to tfjs');
      if (i === 0) constants = after.live; // shape/axis/zero constants, uploaded once and kept until dispose
      else assert.equal(after.live, constants, `${label(c)} step ${i + 1}: native handles left (${JSON.stringify(after)})`);
      assert.ok(after.created - before.created > 100, 'the step did run ops through the counter');
      counts.push(`${after.created - before.created} created, ${after.live} live`);
    }
    step.dispose();
    assert.equal(step.handleCounts()!.live, 0, 'dispose frees the constants');
    m.dispose();
    console.log(`${label(c)}: native handles per step: ${counts.join('; ')}`);
  }
  disposeBatch(batch);
});

test('a backend without an op the fast step needs: forcing it refuses naming the op and versions; auto falls back visibly', () => {
  assert.ok(FAST_STEP_OPS.every((op) => backendHasOp(op)), 'this backend has every op');
  assert.equal(backendHasOp('NoSuchOpForTheFastStep'), false, 'the probe tells a missing op apart');
  const m = new Seq2Seq(configs[0]);
  const hasOp = (op: string) => op !== 'GRUBlockCellGrad';
  assert.throws(() => makeTrainStep(m, 'fast', { hasOp }), /lacks the TensorFlow op GRUBlockCellGrad \(@tensorflow\/tfjs-node 4\.22\.0, libtensorflow 2\.21\.0\)/);
  const auto = makeTrainStep(m, 'auto', { hasOp });
  assert.equal(auto.kind, 'autodiff');
  assert.match(auto.reason, /GRUBlockCellGrad/);
  assert.equal(auto.handleCounts(), undefined);
  assert.throws(() => makeTrainStep(m, 'fastest' as 'fast'), /step must be auto, fast or autodiff, not "fastest"/);
  m.dispose();
});

test('which step runs is chosen explicitly and reported: auto, forced fast, forced autodiff, and the cnn encoder', async () => {
  const titles: string[] = [];
  const progress = { start: (i: { title?: string }) => { titles.push(i.title ?? ''); }, step() {}, epochEnd() {}, end() {} };
  const run = async (c: Seq2SeqConfig, step?: 'auto' | 'fast' | 'autodiff') => {
    const m = new Seq2Seq(c);
    try {
      return await train(m, { train: examples }, { epochs: 1, maxBatchesPerEpoch: 2, batchSize: 6, seed: 1, step, progress, title: 'demo' });
    } finally {
      m.dispose();
    }
  };
  const auto = await run(configs[0]);
  assert.deepEqual([auto.step, titles.pop()], ['fast', 'demo · fast BPTT step']);
  assert.match(auto.stepReason, /covers this model/);
  const forced = await run(configs[0], 'autodiff');
  assert.deepEqual([forced.step, titles.pop()], ['autodiff', 'demo · autodiff step']);
  const cnn: Seq2SeqConfig = { ...configs[0], encoder: 'cnn' };
  const cnnAuto = await run(cnn, 'auto');
  assert.deepEqual([cnnAuto.step, titles.pop()], ['autodiff', 'demo · autodiff step']);
  assert.match(cnnAuto.stepReason, /cnn encoder has no hand-written backward pass/);
  const before = tf.memory().numTensors;
  await assert.rejects(run(cnn, 'fast'), /the fast step cannot run: the cnn encoder has no hand-written backward pass/);
  assert.equal(tf.memory().numTensors, before, 'a refusal leaves nothing behind');
});
