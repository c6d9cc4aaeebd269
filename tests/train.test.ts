// Loss, accuracy, clipping by hand; the training loop's reproducibility, memory and early stopping.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { clipByGlobalNorm, maskedCrossEntropy, Seq2Seq, tf, tokenAccuracy, train, type Example } from '../src';
import { learningRateAt, makeOptimizer } from '../src/train/trainer';

test('maskedCrossEntropy is the mean −log p(target) over unmasked tokens', () => {
  const logits = tf.tensor3d([[[0, 0, Math.log(2)], [1, 2, 3]], [[5, 0, 0], [0, 0, 0]]]); // [2, 2, 3]
  const targets = tf.tensor2d([[2, 0], [0, 1]], undefined, 'int32');
  const mask = tf.tensor2d([[1, 1], [1, 0]], undefined, 'bool');
  const lse = (xs: number[]) => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
  const hand = (-(Math.log(2) - lse([0, 0, Math.log(2)])) - (1 - lse([1, 2, 3])) - (5 - lse([5, 0, 0]))) / 3;
  assert.ok(Math.abs(maskedCrossEntropy(logits, targets, mask).dataSync()[0] - hand) < 1e-6);
  assert.ok(Math.abs(tokenAccuracy(logits, targets, mask).dataSync()[0] - 2 / 3) < 1e-6); // right: (0,0) and (1,0)
  assert.throws(() => maskedCrossEntropy(logits, tf.zeros([2, 3], 'int32') as tf.Tensor2D, mask), /must agree on \[batch, T\]/);
});

test('clipByGlobalNorm scales all gradients together to the maximum norm, and leaves small ones alone', () => {
  const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3]), b: tf.tensor1d([0, 4]) }, 1);
  assert.equal(norm.dataSync()[0], 5);
  assert.deepEqual([Array.from(grads.a.dataSync()), Array.from(grads.b.dataSync())].map((v) => v.map((x) => +x.toFixed(6))), [[0.6], [0, 0.8]]);
  const small = clipByGlobalNorm({ a: tf.tensor1d([0.3]) }, 1);
  assert.ok(Math.abs(small.grads.a.dataSync()[0] - 0.3) < 1e-7);
});

const data: Example[] = Array.from({ length: 40 }, (_, i) => ({ source: [4 + (i % 5), 4 + ((i * 3) % 5), 4 + ((i * 7) % 5)], target: [4 + ((i * 7) % 5), 4 + (i % 5)] }));
const cfg = { kind: 'luong' as const, cell: 'gru' as const, encoder: 'rnn' as const, sourceVocabSize: 9, targetVocabSize: 9, embeddingDim: 8, units: 16, seed: 7 };

test('a fixed seed reproduces the same losses; tensors do not pile up across steps and epochs', async () => {
  const before = tf.memory().numTensors;
  const run = async () => {
    const m = new Seq2Seq(cfg);
    const r = await train(m, { train: data, valid: data.slice(0, 8) }, { epochs: 3, batchSize: 8, seed: 3, progress: 'silent' });
    m.dispose();
    return r.history.map((h) => [h.loss, h.valLoss!]);
  };
  const a = await run();
  const mid = tf.memory().numTensors;
  const b = await run();
  assert.deepEqual(a, b);
  assert.equal(mid, before, 'training leaked tensors');
  assert.equal(tf.memory().numTensors, before);
  assert.ok(a[2][0] < a[0][0], 'the loss went down');
});

test('early stopping after `patience` epochs without improvement; onBest and the learning-rate schedule', async () => {
  const m = new Seq2Seq(cfg);
  const best: number[] = [];
  const r = await train(m, { train: data, valid: data }, { epochs: 10, batchSize: 8, seed: 1, learningRate: 0, earlyStopping: { patience: 2 }, onBest: (e) => { best.push(e); }, progress: 'silent' });
  assert.equal(r.stoppedEarly, true);
  assert.equal(r.history.length, 3); // epoch 1 is the best; 2 and 3 do not improve
  assert.deepEqual(best, [1]);
  const s = await train(m, { train: data }, { epochs: 3, batchSize: 8, seed: 1, learningRate: 0.01, lrDecay: 0.5, progress: 'silent' });
  assert.deepEqual(s.history.map((h) => h.learningRate), [0.01, 0.005, 0.0025]);
  await assert.rejects(train(m, { train: [] }, { epochs: 1, batchSize: 8, seed: 1 }), /no training examples/);
  m.dispose();
});

test('the scheduled optimizer applies the rate it is given and keeps its moments when the rate changes', () => {
  const x = tf.variable(tf.scalar(0), true, 'train-test/x');
  const before = tf.memory().numTensors;
  const adam = makeOptimizer({}, 0.1);
  const stepWith = (g: number) => tf.tidy(() => adam.applyGradients({ 'train-test/x': tf.scalar(g) }));
  stepWith(1); // Adam's first step is −rate · g/|g|
  assert.ok(Math.abs(x.dataSync()[0] + 0.1) < 1e-6, `after step 1 x = ${x.dataSync()[0]}`);
  adam.setLearningRate(0.01);
  stepWith(-1);
  // with the moments kept: m̂ = (0.9·0.1 − 0.1)/(1 − 0.9²), v̂ = (0.999·0.001 + 0.001)/(1 − 0.999²); a fresh Adam would move by +0.01
  const m = (0.9 * 0.1 - 0.1) / (1 - 0.9 ** 2);
  const v = (0.999 * 0.001 + 0.001) / (1 - 0.999 ** 2);
  assert.ok(Math.abs(x.dataSync()[0] - (-0.1 - 0.01 * (m / (Math.sqrt(v) + 1e-7)))) < 1e-6, `after step 2 x = ${x.dataSync()[0]}`);
  adam.dispose();
  assert.equal(tf.memory().numTensors, before, 'the optimizer leaked tensors');
  x.dispose();
  assert.deepEqual([0, 1, 2].map((e) => learningRateAt({ learningRate: 0.01, lrDecay: 0.5 }, e)), [0.01, 0.005, 0.0025]);
  assert.deepEqual([learningRateAt({}, 3), learningRateAt({ optimizer: 'rmsprop' }, 0)], [0.005, 0.001]);
  assert.throws(() => makeOptimizer({ optimizer: 'sgd' as 'adam' }, 0.1), /optimizer must be adam or rmsprop, not "sgd"/);
});

test('training uses each epoch\'s decayed rate: with lrDecay 0 the weights stop changing after epoch 1', async () => {
  for (const optimizer of ['adam', 'rmsprop'] as const) {
    const m = new Seq2Seq(cfg);
    const snapshots: number[][] = [];
    const r = await train(m, { train: data }, {
      epochs: 3, batchSize: 8, seed: 1, optimizer, learningRate: 0.01, lrDecay: 0, progress: 'silent',
      onEpochEnd: () => { snapshots.push(Array.from(m.weights.read('output/kernel').dataSync())); },
    });
    assert.deepEqual(r.history.map((h) => h.learningRate), [0.01, 0, 0]);
    const fresh = new Seq2Seq(cfg);
    assert.notDeepEqual(snapshots[0], Array.from(fresh.weights.read('output/kernel').dataSync()), `${optimizer}: epoch 1 trained`);
    fresh.dispose();
    assert.deepEqual(snapshots[1], snapshots[0], `${optimizer}: rate 0 in epoch 2 changed the weights`);
    assert.deepEqual(snapshots[2], snapshots[0], `${optimizer}: rate 0 in epoch 3 changed the weights`);
    m.dispose();
  }
});

test('seeded losses with a decaying rate are the ones recorded before the optimizer got its typed rate (Adam and RMSprop)', async () => {
  const runs = [
    { tc: { seed: 1, learningRate: 0.01, lrDecay: 0.5, epochs: 3 }, want: [[2.0649918794631956, 1.7692626317342122], [1.7128617286682128, 1.6099093755086262], [1.5848774671554566, 1.501067320505778]] },
    { tc: { seed: 2, optimizer: 'rmsprop' as const, lrDecay: 0.7, epochs: 2 }, want: [[2.1725783348083496, 2.1371895472208657], [2.122787523269653, 2.0945123036702475]] },
  ];
  for (const { tc, want } of runs) {
    const m = new Seq2Seq(cfg);
    const r = await train(m, { train: data, valid: data.slice(0, 8) }, { ...tc, batchSize: 8, progress: 'silent', step: 'autodiff' }); // the step the numbers were recorded with
    m.dispose();
    r.history.forEach((h, i) => {
      assert.ok(Math.abs(h.loss - want[i][0]) < 1e-6 && Math.abs(h.valLoss! - want[i][1]) < 1e-6, `${JSON.stringify(tc)} epoch ${i + 1}: ${h.loss}, ${h.valLoss} ≠ ${want[i]}`);
    });
  }
});

test('text progress reports epochs with their metrics', async () => {
  const lines: string[] = [];
  const { textProgress } = await import('../src');
  const m = new Seq2Seq(cfg);
  await train(m, { train: data }, { epochs: 2, batchSize: 20, seed: 1, progress: textProgress({ write: (l) => lines.push(l), everySeconds: 0 }), title: 'tiny' });
  m.dispose();
  assert.match(lines[0], /\[train\] tiny · fast BPTT step: 2 epochs × 2 steps/); // the title names the training step
  assert.ok(lines.some((l) => /epoch 1\/2 step 2\/2 loss \d\.\d{4} · [\d.]+ steps\/s · ETA/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /epoch 2\/2 · loss \d\.\d{4} · accuracy/.test(l)), lines.join('\n'));
  assert.match(lines.at(-1)!, /done in .* best epoch 2/);
});
