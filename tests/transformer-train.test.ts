// Training a Transformer with the library's trainer, and the trainer options the Transformer recipe needs:
// label smoothing (masked cross-entropy against a smoothed target) and learning-rate warm-up (Vaswani et al.).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  beamSearch, charTokenizer, disposeBatch, greedyDecode, loadModel, makeBatch, maskedCrossEntropy, saveModel, Seq2Seq, tf, train, Transformer, translate,
  vaswaniLearningRate, Vocabulary, warmupFactor, type Example, type TransformerConfig,
} from '../src';

const vocab = Vocabulary.build([['a', 'b', 'c', 'd', 'e']], { minFreq: 1 });
const enc = (s: string) => vocab.encode([...s]);
const words = ['abc', 'cab', 'dea', 'bed', 'ace', 'dab', 'ebd', 'cda', 'bad', 'ead', 'cde', 'aeb'];
const data: Example[] = words.map((w) => ({ source: enc(w), target: enc([...w].reverse().join('')) }));
const tcfg: TransformerConfig = { kind: 'transformer', sourceVocabSize: vocab.size, targetVocabSize: vocab.size, dModel: 16, numHeads: 2, ffDim: 32, encoderLayers: 1, decoderLayers: 1, dropout: 0.1, seed: 1 };
const weightValues = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

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

test('train(): a Transformer learns to reverse strings with warm-up and label smoothing, through the autodiff step (named why); no leaks', async () => {
  const model = new Transformer(tcfg);
  const before = tf.memory().numTensors;
  const r = await train(model, { train: data, valid: data }, { epochs: 100, batchSize: 6, seed: 2, learningRate: 0.02, warmup: 10, labelSmoothing: 0.1, progress: 'silent' });
  assert.equal(r.step, 'autodiff');
  assert.match(r.stepReason, /the fast step does not cover this: the Transformer has no hand-written backward pass/);
  assert.equal(tf.memory().numTensors, before, 'training leaked tensors');
  const first = r.history[0].valLoss!;
  const best = Math.min(...r.history.map((h) => h.valLoss!));
  console.log(`reverse, 1 + 1 layers, d 16: val loss ${first.toFixed(3)} -> ${best.toFixed(3)}, val accuracy ${r.history[r.bestEpoch - 1].valAccuracy!.toFixed(3)}`);
  assert.ok(best < 0.5 * first, `the validation loss fell only from ${first} to ${best}`);
  assert.ok(r.history[r.bestEpoch - 1].valAccuracy! > 0.8, `validation accuracy ${r.history[r.bestEpoch - 1].valAccuracy}`);
  model.dispose();
});

test('warm-up is applied per step: Adam\'s first step moves each weight by the warmed-up rate, not the base rate', async () => {
  // Adam's first update is lr · g / (|g| + ε): every weight with a gradient moves by lr (ε aside)
  const firstStep = async (warmup?: number) => {
    const model = new Transformer({ ...tcfg, dropout: 0 }, { scope: `warm${warmup ?? 0}` });
    const w0 = weightValues(model.trainableVariables);
    await train(model, { train: data }, { epochs: 1, batchSize: 12, maxBatchesPerEpoch: 1, seed: 2, learningRate: 0.01, clipNorm: 0, progress: 'silent', ...(warmup ? { warmup } : {}) });
    const moved = Math.max(...weightValues(model.trainableVariables).flatMap((w, i) => w.map((v, j) => Math.abs(v - w0[i][j]))));
    model.dispose();
    return moved;
  };
  const plain = await firstStep();
  const warmed = await firstStep(10);
  assert.ok(Math.abs(plain - 0.01) < 1e-4, `without warm-up the first step moved weights by ${plain}, expected 0.01`);
  assert.ok(Math.abs(warmed - 0.001) < 1e-5, `with warm-up 10 the first step moved weights by ${warmed}, expected 0.01 · 1/10`);
  const other = new Transformer(tcfg, { scope: 'bad' });
  await assert.rejects(train(other, { train: data }, { epochs: 1, batchSize: 2, seed: 1, warmup: 0 }), /train: warmup must be an integer ≥ 1, not 0/);
  other.dispose();
});

test('label smoothing runs the autodiff step: refused by step fast, chosen by auto with the reason', async () => {
  const model = new Seq2Seq({ kind: 'bahdanau', cell: 'gru', encoder: 'rnn', sourceVocabSize: vocab.size, targetVocabSize: vocab.size, embeddingDim: 4, units: 6, seed: 1 });
  const cfg = { epochs: 1, batchSize: 6, seed: 1, progress: 'silent' as const, labelSmoothing: 0.1 };
  await assert.rejects(train(model, { train: data }, { ...cfg, step: 'fast' }), /the fast step cannot run: label smoothing is not in its loss/);
  const r = await train(model, { train: data }, cfg);
  assert.equal(r.step, 'autodiff');
  assert.match(r.stepReason, /label smoothing/);
  await assert.rejects(train(model, { train: data }, { ...cfg, labelSmoothing: 1 }), /train: labelSmoothing must be a number in \[0, 1\), not 1/);
  model.dispose();
});

test('saveModel/loadModel round-trip a Transformer: the config builds the class, outputs and decodes are identical', async () => {
  const model = new Transformer({ ...tcfg, positional: 'learned', maxLength: 24 });
  await train(model, { train: data }, { epochs: 2, batchSize: 6, seed: 2, progress: 'silent' }); // not the initial weights
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-transformer-'));
  const bundle = { model, sourceVocab: vocab, targetVocab: vocab, sourceTokenizer: charTokenizer(), targetTokenizer: charTokenizer() };
  await saveModel(path.join(dir, 'm'), bundle);
  const loaded = await loadModel(path.join(dir, 'm'));
  assert.ok(loaded.model instanceof Transformer);
  assert.deepEqual(loaded.model.config, model.config);
  assert.deepEqual(weightValues(loaded.model.trainableVariables), weightValues(model.trainableVariables));
  const b = makeBatch(data.slice(0, 4));
  const x = model.forward(b.source, b.sourceMask, b.targetIn).logits;
  const y = loaded.model.forward(b.source, b.sourceMask, b.targetIn).logits;
  assert.deepEqual(y.arraySync(), x.arraySync());
  const beamA = beamSearch(model.stepDecoder(b.source, b.sourceMask), 4, { width: 3, maxLength: 6 });
  const beamB = beamSearch(loaded.model.stepDecoder(b.source, b.sourceMask), 4, { width: 3, maxLength: 6 });
  assert.deepEqual(beamB, beamA);
  assert.deepEqual(greedyDecode(loaded.model.stepDecoder(b.source, b.sourceMask), 4, { maxLength: 6 }), greedyDecode(model.stepDecoder(b.source, b.sourceMask), 4, { maxLength: 6 }));
  assert.deepEqual(translate(loaded, ['abc', 'dea'], { beam: 2 }), translate(bundle, ['abc', 'dea'], { beam: 2 }));
  tf.dispose([x, y]);
  disposeBatch(b);
  model.dispose();
  loaded.model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
