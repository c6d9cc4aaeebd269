// Starting from a trained model: init, freezing by part, learning rates per part, a grown vocabulary.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { charTokenizer, extendBundleVocabularies, initFrom, MODEL_PARTS, partOf, saveModel, Seq2Seq, tf, train, validateTrainConfig, Vocabulary, type Example, type Seq2SeqConfig, type TrainConfig } from '../src';

const values = (m: Seq2Seq) => Object.fromEntries(m.weights.entries().map(([n, v]) => [n, Array.from(v.dataSync())]));
const data: Example[] = Array.from({ length: 24 }, (_, i) => ({ source: [4 + (i % 5), 4 + ((i * 3) % 5), 4 + ((i * 7) % 5)], target: [4 + ((i * 7) % 5), 4 + (i % 5)] }));
const cfg: Seq2SeqConfig = { kind: 'bahdanau', cell: 'gru', encoder: 'birnn', sourceVocabSize: 9, targetVocabSize: 9, embeddingDim: 6, units: 8, seed: 3 };
const initial = (c: Seq2SeqConfig) => {
  const m = new Seq2Seq(c);
  const w = values(m);
  m.dispose();
  return w;
};
const fit = async (tc: Partial<TrainConfig>, model = new Seq2Seq(cfg)) => {
  try {
    const r = await train(model, { train: data }, { epochs: 1, batchSize: 8, seed: 1, learningRate: 0.01, progress: 'silent', ...tc });
    return { r, w: values(model) };
  } finally {
    model.dispose();
  }
};

test('every weight of every model kind belongs to a part', () => {
  for (const c of [cfg, { ...cfg, kind: 'luong', luongScore: 'general', encoder: 'rnn' }, { ...cfg, kind: 'baseline', encoder: 'rnn' }, { ...cfg, encoder: 'cnn' }] as Seq2SeqConfig[]) {
    const m = new Seq2Seq(c);
    const parts = new Set(m.weights.entries().map(([n]) => partOf(n)));
    assert.deepEqual([...parts].sort(), MODEL_PARTS.filter((p) => c.kind !== 'baseline' || p !== 'attention').sort(), `${c.kind}/${c.encoder}`);
    m.dispose();
  }
  assert.equal(partOf('decoder/cell/kernel'), 'decoderCell');
  assert.equal(partOf('luong/combine_kernel'), 'attention');
  assert.throws(() => partOf('mystery/kernel'), /weight "mystery\/kernel" belongs to no model part/);
});

test('frozen parts are bit-identical after training (each part, default fast step); the others train', async () => {
  const start = initial(cfg);
  const before = tf.memory().numTensors;
  for (const part of MODEL_PARTS) {
    const { r, w } = await fit({ freeze: [part], epochs: 2 });
    assert.equal(r.step, 'fast');
    for (const [name, v] of Object.entries(w)) {
      if (partOf(name) === part) assert.deepEqual(v, start[name], `frozen ${part}: ${name} changed`);
      else assert.notDeepEqual(v, start[name], `freezing ${part}: ${name} did not train`);
    }
  }
  await assert.rejects(fit({ freeze: [...MODEL_PARTS] }), /every part of the model is frozen/);
  assert.equal(tf.memory().numTensors, before, 'freezing leaked tensors');
});

test('with the autodiff step, frozen parts are not differentiated at all, stay bit-identical, and the others train', async () => {
  const start = initial(cfg);
  const before = tf.memory().numTensors;
  for (const part of ['embeddings', 'output'] as const) {
    const { r, w } = await fit({ freeze: [part], epochs: 2, step: 'autodiff' });
    assert.equal(r.step, 'autodiff');
    for (const [name, v] of Object.entries(w)) {
      if (partOf(name) === part) assert.deepEqual(v, start[name], `frozen ${part}: ${name} changed`);
      else assert.notDeepEqual(v, start[name], `freezing ${part}: ${name} did not train`);
    }
  }
  assert.equal(tf.memory().numTensors, before, 'freezing leaked tensors');
});

test('learning rates per part: rate 0 leaves a part bit-identical; twice the rate moves it twice as far (Adam, first step); the rest as without', async () => {
  const start = initial(cfg);
  const one = { maxBatchesPerEpoch: 1 };
  const base = await fit(one);
  const zero = await fit({ ...one, learningRates: { attention: 0 } });
  const double = await fit({ ...one, learningRates: { output: 0.02 } });
  for (const name of Object.keys(start)) {
    if (partOf(name) === 'attention') assert.deepEqual(zero.w[name], start[name], `rate 0: ${name} changed`);
    else assert.deepEqual(zero.w[name], base.w[name], `rate 0 for attention changed ${name}`);
    if (partOf(name) !== 'output') {
      assert.deepEqual(double.w[name], base.w[name], `output's rate changed ${name}`);
      continue;
    }
    // Adam's first step is −rate·g/(|g| + ε): doubling the rate doubles it. The difference of two float32
    // weights is exact to an ulp of the weight (|w| < 1: 2^-24), hence the tolerance.
    let worst = 0;
    start[name].forEach((w0, i) => (worst = Math.max(worst, Math.abs((double.w[name][i] - w0) - 2 * (base.w[name][i] - w0)))));
    assert.ok(worst < 3e-7, `${name}: the step at twice the rate is off by ${worst}`);
    assert.ok(base.w[name].some((x, i) => Math.abs(x - start[name][i]) > 1e-3), `${name} did not move`);
  }
});

test('train config values out of range are refused, naming the key', () => {
  const ok: TrainConfig = { epochs: 1, batchSize: 4, seed: 1 };
  const cases: [Partial<TrainConfig> & Record<string, unknown>, RegExp][] = [
    [{ epochs: 0 }, /epochs must be an integer ≥ 1, not 0/],
    [{ batchSize: 2.5 }, /batchSize must be an integer ≥ 1, not 2.5/],
    [{ learningRate: -1 }, /learningRate must be a number ≥ 0, not -1/],
    [{ lrDecay: 'x' as unknown as number }, /lrDecay must be a number ≥ 0, not "x"/],
    [{ learningRates: { output: -0.1 } }, /learningRates.output must be a number ≥ 0, not -0.1/],
    [{ freeze: ['decoder' as 'encoder'] }, /freeze names an unknown model part "decoder"/],
    [{ earlyStopping: { patience: 0 } }, /earlyStopping.patience must be an integer ≥ 1, not 0/],
    [{ init: 'a', resumeFrom: 'b' }, /init and resumeFrom exclude each other/],
  ];
  for (const [bad, msg] of cases) assert.throws(() => validateTrainConfig({ ...ok, ...bad }), msg);
  assert.doesNotThrow(() => validateTrainConfig(ok));
});

test('init starts from a saved model; a grown vocabulary keeps the old rows bit for bit and gives new tokens a fresh model\'s rows', async () => {
  const tok = charTokenizer();
  const oldPairs = [{ source: 'abc', target: 'cba' }, { source: 'bca', target: 'acb' }];
  const sourceVocab = Vocabulary.build(oldPairs.map((p) => tok.tokenize(p.source)));
  const targetVocab = Vocabulary.build(oldPairs.map((p) => tok.tokenize(p.target)));
  const small = { ...cfg, sourceVocabSize: sourceVocab.size, targetVocabSize: targetVocab.size };
  const trained = new Seq2Seq(small);
  const enc = (s: string, v: Vocabulary) => v.encode(tok.tokenize(s));
  await train(trained, { train: oldPairs.map((p) => ({ source: enc(p.source, sourceVocab), target: enc(p.target, targetVocab) })) }, { epochs: 3, batchSize: 2, seed: 1, learningRate: 0.05, progress: 'silent' });
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-init-')), 'old');
  const bundle = { model: trained, sourceVocab, targetVocab, sourceTokenizer: tok, targetTokenizer: tok };
  await saveModel(dir, bundle);
  const old = values(trained);
  const before = tf.memory().numTensors;

  // same vocabularies: everything copied; train({ init }) then trains from there
  const same = new Seq2Seq({ ...small, seed: 42 });
  const r = initFrom(same, dir);
  assert.deepEqual(values(same), old);
  assert.deepEqual([r.copied.length, r.source, r.target], [Object.keys(old).length - 4, { kept: sourceVocab.size, added: 0, dropped: 0 }, { kept: targetVocab.size, added: 0, dropped: 0 }]);
  same.dispose();
  const viaTrain = new Seq2Seq({ ...small, seed: 42 });
  const t = await train(viaTrain, { train: [{ source: [4, 5], target: [5, 4] }] }, { epochs: 1, batchSize: 1, seed: 1, init: dir, freeze: ['embeddings', 'encoder', 'attention', 'decoderCell'], progress: 'silent' });
  assert.equal(t.init?.copied.length, Object.keys(old).length - 4);
  for (const [n, v] of Object.entries(values(viaTrain))) {
    if (partOf(n) === 'output') assert.notDeepEqual(v, old[n], `${n} did not train`);
    else assert.deepEqual(v, old[n], `${n} is not the initial model's`);
  }
  viaTrain.dispose();

  // a new domain: new characters get new rows, old ones keep theirs
  const grown = extendBundleVocabularies(bundle, [{ source: 'xyza', target: 'azyx' }, { source: 'q', target: 'q' }]);
  assert.deepEqual(grown.sourceVocab.tokens.slice(0, sourceVocab.size), sourceVocab.tokens);
  assert.deepEqual(grown.sourceVocab.tokens.slice(sourceVocab.size), ['q', 'x', 'y', 'z']);
  const big = { ...small, sourceVocabSize: grown.sourceVocab.size, targetVocabSize: grown.targetVocab.size, seed: 11 };
  const model = new Seq2Seq(big);
  const fresh = new Seq2Seq(big);
  const report = initFrom(model, { from: dir, ...grown });
  assert.deepEqual([report.source, report.target], [{ kept: sourceVocab.size, added: 4, dropped: 0 }, { kept: targetVocab.size, added: 4, dropped: 0 }]);
  const got = values(model);
  const init = values(fresh);
  const E = small.embeddingDim;
  const rows = (a: number[], w: number, ids: number[]) => ids.flatMap((i) => a.slice(i * w, (i + 1) * w));
  const oldS = sourceVocab.tokens.map((_, i) => i);
  const newS = grown.sourceVocab.tokens.map((_, i) => i).slice(sourceVocab.size);
  assert.deepEqual(rows(got['encoder/embedding'], E, oldS), old['encoder/embedding'], 'old source rows changed');
  assert.deepEqual(rows(got['encoder/embedding'], E, newS), rows(init['encoder/embedding'], E, newS), 'new source rows are not a fresh model\'s');
  const oldT = targetVocab.tokens.map((_, i) => i);
  const newT = grown.targetVocab.tokens.map((_, i) => i).slice(targetVocab.size);
  assert.deepEqual(rows(got['decoder/embedding'], E, oldT), old['decoder/embedding']);
  assert.deepEqual(rows(got['decoder/embedding'], E, newT), rows(init['decoder/embedding'], E, newT));
  const V = grown.targetVocab.size;
  const cols = (a: number[], width: number, ids: number[]) => a.flatMap((_, k) => (ids.includes(k % width) ? [a[k]] : []));
  assert.deepEqual(cols(got['output/kernel'], V, oldT), old['output/kernel'], 'old output columns changed');
  assert.deepEqual(cols(got['output/kernel'], V, newT), cols(init['output/kernel'], V, newT));
  assert.deepEqual(got['output/bias'].slice(0, targetVocab.size), old['output/bias']);
  assert.deepEqual(got['output/bias'].slice(targetVocab.size), init['output/bias'].slice(targetVocab.size));
  assert.deepEqual(got['decoder/cell/kernel'], old['decoder/cell/kernel']);
  fresh.dispose();

  // refusals name what differs; a refused init changes nothing
  const untouched = values(model);
  assert.throws(() => initFrom(model, dir), new RegExp(`has a source vocabulary of ${sourceVocab.size} tokens, this model ${grown.sourceVocab.size}; pass the new sourceVocab`));
  const wide = new Seq2Seq({ ...big, units: 10 });
  assert.throws(() => initFrom(wide, { from: dir, ...grown }), /has another model config \(units: trained model 8, this model 10\)/);
  wide.dispose();
  assert.deepEqual(values(model), untouched);
  model.dispose();
  assert.equal(tf.memory().numTensors, before, 'init leaked tensors');
  trained.dispose();
});
