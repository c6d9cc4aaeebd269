// Seq2seq models: shapes, masks, parameter counts, save/load, config errors, a tiny overfit.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { charTokenizer, dropoutMasks, loadModel, makeBatch, disposeBatch, saveModel, Seq2Seq, tf, train, Vocabulary, type Seq2SeqConfig } from '../src';

const base = { sourceVocabSize: 11, targetVocabSize: 7, embeddingDim: 6, units: 8, seed: 5 };
const variants: Seq2SeqConfig[] = [
  { ...base, kind: 'baseline', cell: 'lstm', encoder: 'rnn' },
  { ...base, kind: 'baseline', cell: 'gru', encoder: 'birnn' },
  { ...base, kind: 'bahdanau', cell: 'gru', encoder: 'rnn' },
  { ...base, kind: 'bahdanau', cell: 'lstm', encoder: 'birnn' },
  { ...base, kind: 'bahdanau', cell: 'gru', encoder: 'cnn' },
  { ...base, kind: 'luong', cell: 'gru', encoder: 'rnn', luongScore: 'dot' },
  { ...base, kind: 'luong', cell: 'lstm', encoder: 'birnn', luongScore: 'general' },
];
const name = (c: Seq2SeqConfig) => `${c.kind}/${c.cell}/${c.encoder}${c.luongScore ? '/' + c.luongScore : ''}`;

// batch of 2: the second source has 2 padding positions
const examples = [{ source: [4, 5, 6, 7], target: [3, 4, 5] }, { source: [8, 9], target: [6] }];

for (const cfg of variants) {
  test(`${name(cfg)}: logits [b, T, V]; attention rows sum to 1 with nothing on padding; padding content is ignored`, () => {
    const model = new Seq2Seq(cfg);
    const b = makeBatch(examples);
    const { logits, attention } = model.forward(b.source, b.sourceMask, b.targetIn, { attention: true });
    assert.deepEqual(logits.shape, [2, 4, 7]);
    if (cfg.kind === 'baseline') assert.equal(attention, undefined);
    else {
      assert.deepEqual(attention!.shape, [2, 4, 4]);
      const a = attention!.arraySync() as number[][][];
      for (const row of a.flat()) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
      for (const row of a[1]) assert.deepEqual(row.slice(2), [0, 0]);
    }
    // different token ids in the padded positions must not change anything
    const noisy = tf.tensor2d([[4, 5, 6, 7], [8, 9, 10, 3]], undefined, 'int32');
    const again = model.forward(noisy, b.sourceMask, b.targetIn).logits;
    assert.ok(tf.max(tf.abs(tf.sub(again, logits))).dataSync()[0] < 1e-5, 'padding leaked into the outputs');
    tf.dispose([logits, again, noisy, ...(attention ? [attention] : [])]);
    disposeBatch(b);
    model.dispose();
  });
}

test('parameter count of a GRU baseline matches the formula', () => {
  const m = new Seq2Seq({ ...base, kind: 'baseline', cell: 'gru', encoder: 'rnn' });
  const { sourceVocabSize: Vs, targetVocabSize: Vt, embeddingDim: E, units: u } = base;
  const gru = (inp: number) => 3 * u * (inp + u + 1);
  assert.equal(m.countParams(), Vs * E + gru(E) + Vt * E + gru(E) + u * Vt + Vt);
  m.dispose();
});

test('config errors name the problem', () => {
  assert.throws(() => new Seq2Seq({ ...base, kind: 'luong', cell: 'gru', encoder: 'birnn', luongScore: 'dot' }), /Luong dot scores need encoder width 16 = units 8/);
  assert.throws(() => new Seq2Seq({ ...base, kind: 'baseline', cell: 'gru', encoder: 'cnn' }), /baseline needs a recurrent encoder/);
  assert.throws(() => new Seq2Seq({ ...base, kind: 'transformer' as 'luong', cell: 'gru', encoder: 'rnn' }), /kind must be baseline, bahdanau or luong/);
  assert.throws(() => new Seq2Seq({ ...base, units: 0, kind: 'luong', cell: 'gru', encoder: 'rnn' }), /units must be a positive integer/);
  for (const dropout of [1, -0.1, NaN, '0.2' as unknown as number]) {
    assert.throws(() => new Seq2Seq({ ...base, kind: 'bahdanau', cell: 'gru', encoder: 'rnn', dropout }), /dropout must be a number in \[0, 1\)/);
  }
});

test('dropout: masks of 0 and 1/(1 − p) at rate p, a function of the batch; training mode only; decoding unchanged', () => {
  const cfg: Seq2SeqConfig = { ...base, kind: 'bahdanau', cell: 'gru', encoder: 'birnn', dropout: 0.25 };
  const src = Array.from({ length: 64 * 9 }, (_, i) => 4 + (i % 7)), tgt = Array.from({ length: 64 * 5 }, (_, i) => 3 + (i % 4));
  const m = dropoutMasks(cfg, src, tgt, 64, 9, 5)!;
  assert.equal(m.outputWidth, 8 + 16); // [s_t; c_t] with a bidirectional encoder
  assert.deepEqual([m.source.length, m.target.length, m.output.length], [64 * 9 * 6, 64 * 5 * 6, 64 * 5 * 24]);
  for (const x of [m.source, m.target, m.output]) {
    assert.ok(x.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6), 'values are 0 or 1/(1 − p)');
    const dropped = x.filter((v) => v === 0).length / x.length;
    assert.ok(Math.abs(dropped - 0.25) < 0.03, `dropped share ${dropped} ≈ 0.25`);
  }
  assert.deepEqual(dropoutMasks(cfg, src, tgt, 64, 9, 5), m, 'the same batch draws the same masks');
  assert.notDeepEqual(dropoutMasks(cfg, [5, ...src.slice(1)], tgt, 64, 9, 5)!.source, m.source, 'another batch draws others');
  assert.equal(dropoutMasks({ ...cfg, dropout: 0 }, src, tgt, 64, 9, 5), undefined);
  assert.throws(() => dropoutMasks(cfg, src, tgt, 64, 8, 5), /do not fill \[64, 8\]/);

  const model = new Seq2Seq(cfg);
  const plain = new Seq2Seq({ ...cfg, dropout: 0 });
  plain.weights.entries().forEach(([k, v]) => v.assign(model.weights.read(k)));
  const b = makeBatch(examples);
  const [eval1, train1, train2, ref] = [
    model.forward(b.source, b.sourceMask, b.targetIn).logits,
    model.forward(b.source, b.sourceMask, b.targetIn, { training: true }).logits,
    model.forward(b.source, b.sourceMask, b.targetIn, { training: true }).logits,
    plain.forward(b.source, b.sourceMask, b.targetIn, { training: true }).logits,
  ];
  const maxDiff = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
  assert.equal(maxDiff(eval1, ref), 0, 'without training, dropout does nothing');
  assert.ok(maxDiff(train1, ref) > 1e-3, 'in training mode the outputs change');
  assert.equal(maxDiff(train1, train2), 0, 'the same batch gives the same masks');
  tf.dispose([eval1, train1, train2, ref]);
  disposeBatch(b);
  model.dispose();
  plain.dispose();
});

test('save to a folder and load: same outputs, config, vocabularies and tokenizers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-model-'));
  try {
    const model = new Seq2Seq({ ...base, kind: 'bahdanau', cell: 'lstm', encoder: 'birnn' });
    const vs = Vocabulary.build([['a', 'b', 'c', 'd', 'e', 'f', 'g']]);
    const vt = Vocabulary.build([['x', 'y', 'z']]);
    await saveModel(dir, { model, sourceVocab: vs, targetVocab: vt, sourceTokenizer: charTokenizer(), targetTokenizer: charTokenizer({ lowercase: true }) });
    assert.ok(fs.existsSync(path.join(dir, 'model.json')) && fs.existsSync(path.join(dir, 'weights.bin')));
    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.model.config, model.config);
    assert.deepEqual(loaded.sourceVocab.tokens, vs.tokens);
    assert.deepEqual(loaded.targetTokenizer.spec, { lowercase: true, type: 'char' });
    const b = makeBatch(examples);
    const a1 = model.forward(b.source, b.sourceMask, b.targetIn).logits;
    const a2 = loaded.model.forward(b.source, b.sourceMask, b.targetIn).logits;
    assert.deepEqual(Array.from(a1.dataSync()), Array.from(a2.dataSync()));
    tf.dispose([a1, a2]);
    disposeBatch(b);
    await assert.rejects(saveModel(dir, { model, sourceVocab: vt, targetVocab: vt, sourceTokenizer: charTokenizer(), targetTokenizer: charTokenizer() }), /vocabulary sizes 7\/7 do not match the model's 11\/7/);
    await assert.rejects(loadModel(path.join(dir, 'nope')), /no model at .*nope/);
    model.dispose();
    loaded.model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a tiny Bahdanau model overfits 8 reversal examples to near-zero loss', async () => {
  const data = ['abc', 'bca', 'cab', 'abcd', 'dcb', 'bd', 'cdab', 'adc'].map((s) => {
    const ids = Array.from(s, (ch) => 4 + ch.charCodeAt(0) - 97);
    return { source: ids, target: [...ids].reverse() };
  });
  const model = new Seq2Seq({ kind: 'bahdanau', cell: 'gru', encoder: 'rnn', sourceVocabSize: 8, targetVocabSize: 8, embeddingDim: 16, units: 32, seed: 1 });
  const r = await train(model, { train: data }, { epochs: 150, batchSize: 8, seed: 1, learningRate: 0.02, progress: 'silent' });
  const last = r.history.at(-1)!;
  assert.ok(last.loss < 0.05, `final loss ${last.loss}`);
  assert.equal(last.accuracy, 1);
  model.dispose();
});

test('weight scopes: two live models never share tfjs variable names; an explicit scope in use is refused; a disposed scope is free again', () => {
  const cfg: Seq2SeqConfig = { ...base, kind: 'bahdanau', cell: 'gru', encoder: 'rnn' };
  const before = tf.memory().numTensors;
  const a = new Seq2Seq(cfg);
  const b = new Seq2Seq(cfg);
  assert.notEqual(a.weights.scope, b.weights.scope);
  for (const m of [a, b]) for (const [logical, v] of m.weights.entries()) assert.equal(v.name, `${m.weights.scope}/${logical}`);
  // the scope names the variables only: same config and seed, same weights
  assert.deepEqual(a.weights.entries().map(([n, v]) => [n, Array.from(v.dataSync())]), b.weights.entries().map(([n, v]) => [n, Array.from(v.dataSync())]));
  assert.throws(() => new Seq2Seq(cfg, { scope: a.weights.scope }), new RegExp(`weights scope "${a.weights.scope}" is in use by live tfjs variables`));
  assert.throws(() => new Seq2Seq(cfg, { scope: 'has space' }), /weights scope must be a non-empty name without spaces/);
  const named = new Seq2Seq(cfg, { scope: 'mine/model' });
  assert.equal(named.weights.read('output/kernel').name, 'mine/model/output/kernel');
  const scopeA = a.weights.scope;
  a.dispose();
  const c = new Seq2Seq(cfg, { scope: scopeA }); // free again once its model is disposed
  for (const m of [b, named, c]) m.dispose();
  assert.equal(tf.memory().numTensors, before, 'weights leaked');
});

test('a cell is reentrant: two sequences stepped in turn through one cell equal each run alone; prepared weights belong to their cell', async () => {
  const { Cell } = await import('../src/seq2seq/cells');
  const { WeightStore } = await import('../src/seq2seq/weights');
  for (const kind of ['gru', 'lstm'] as const) {
    const w = new WeightStore(3, `reentrant-${kind}`);
    const cell = new Cell(kind, 'cell', 4, 5, w);
    const other = new Cell(kind, 'other', 4, 5, w);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const xs = [tf.randomNormal([2, 6, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 6, 4], 0, 1, 'float32', 2)] as tf.Tensor3D[];
      const alone = xs.map((x) => {
        const p = cell.prepare();
        let s = cell.zeroState(x.shape[0]);
        for (const xt of tf.unstack(x, 1)) s = cell.step(p, xt as tf.Tensor2D, s);
        return s;
      });
      const ps = xs.map(() => cell.prepare());
      const ss = xs.map((x) => cell.zeroState(x.shape[0]));
      const steps = xs.map((x) => tf.unstack(x, 1) as tf.Tensor2D[]);
      for (let t = 0; t < 6; t++) for (const k of [1, 0]) ss[k] = cell.step(ps[k], steps[k][t], ss[k]);
      ss.forEach((s, k) => s.forEach((h, j) => assert.deepEqual(Array.from(h.dataSync()), Array.from(alone[k][j].dataSync()), `${kind}: sequence ${k} state ${j}`)));
      assert.throws(() => cell.step(other.prepare(), steps[0][0], cell.zeroState(2)), /Cell cell: the prepared weights are other's/);
    });
    assert.equal(tf.memory().numTensors, before, `${kind}: the steps leaked tensors`);
    w.dispose();
  }
});
