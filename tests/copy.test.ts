// The copy mechanism (pointer-generator, See, Liu & Manning 2017) and coverage: extended ids, the mixture's
// probabilities, its gradients against finite differences, a copy task on words never seen in training, decoding
// (greedy, sampling, beam), save/load, the command line, errors, tensor leaks.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  beamSearch, copyExamples, copyIds, copySplits, decodeExtended, encodeSplits, disposeBatch, evaluate, loadModel, makeBatch, rng, sampleDecode, saveModel, Seq2Seq, teacherForcedLoss, tf,
  train, translate, UNK_ID, Vocabulary, wordTokenizer, type Example, type ModelBundle, type Seq2SeqConfig,
} from '../src';
import { makeTrainStep } from '../src/train/fast/step';

const ROOT = path.resolve(__dirname, '..', '..');

// ---------------------------------------------------------------- extended ids

test('copyIds: source OOVs get V + their first-occurrence index; targets use them, other unknowns are <unk>', () => {
  const tv = Vocabulary.build([['a', 'b']]); // V = 6: <pad> <s> </s> <unk> a b
  const ids = copyIds(['a', 'zed', 'b', 'zed', 'q'], ['zed', 'a', 'q', 'nope'], tv);
  assert.deepEqual(ids, { sourceExt: [tv.id('a'), 6, tv.id('b'), 6, 7], targetExt: [6, tv.id('a'), 7, UNK_ID], oovs: ['zed', 'q'] });
  assert.deepEqual(decodeExtended(tv, [7, tv.id('a'), 6, 2, 6], ids.oovs), ['q', 'a', 'zed'], 'stops at </s>');
  assert.throws(() => decodeExtended(tv, [8], ids.oovs), /id 8 is past the extended vocabulary \(6 \+ 2 source words\)/);
});

test('makeBatch: copy ids padded into sourceExt [b, S] and targetExt [b, T] (with </s>); all or none of a batch', () => {
  const tv = Vocabulary.build([['a']]);
  const sv = Vocabulary.build([['a', 'x']]);
  const ex = copyExamples([{ source: ['a', 'x', 'y'], target: ['y', 'a'] }, { source: ['z'], target: ['z'] }], { source: sv, target: tv });
  const b = makeBatch(ex);
  assert.deepEqual(b.sourceExt!.arraySync(), [[4, 5, 6], [5, 0, 0]]);
  assert.deepEqual(b.targetExt!.arraySync(), [[6, 4, 2], [5, 2, 0]]);
  assert.deepEqual(b.targetOut.arraySync(), [[3, 4, 2], [3, 2, 0]], 'targetOut keeps <unk> for a plain model');
  assert.deepEqual(b.oovs, [['x', 'y'], ['z']]);
  disposeBatch(b);
  assert.throws(() => makeBatch([ex[0], { source: [4], target: [4] }]), /example 1 has no copy ids/);
  assert.throws(() => makeBatch([{ ...ex[0], sourceExt: [4] }]), /example 0: sourceExt\/targetExt have 1\/2 ids for 3\/2 tokens/);
});

test('copySplits: the ids encodeSplits gives, plus copy ids', () => {
  const tok = wordTokenizer();
  const dataset = { train: [{ source: 'the cat sat', target: 'le chat', line: 1 }, { source: 'a dog', target: 'un chien', line: 2 }], valid: [{ source: 'the bird', target: 'le bird', line: 3 }], test: [] };
  const enc = encodeSplits(dataset, { source: tok, target: tok });
  const split = copySplits({ dataset, sourceTokenizer: tok, targetTokenizer: tok, sourceVocab: enc.sourceVocab, targetVocab: enc.targetVocab });
  assert.deepEqual(split.train.map((e) => [e.source, e.target]), enc.train.map((e) => [e.source, e.target]));
  assert.deepEqual(split.valid.map((e) => [e.source, e.target]), enc.valid.map((e) => [e.source, e.target]));
  const V = enc.targetVocab.size;
  assert.deepEqual(split.valid[0].oovs, ['▁the', '▁bird']);
  assert.deepEqual(split.valid[0].targetExt, [enc.targetVocab.id('▁le'), V + 1], '"bird" is copyable: extended id V + 1');
});

// ---------------------------------------------------------------- the mixture

const tv = Vocabulary.build([['a', 'b', 'c']]); // V = 7
const sv = Vocabulary.build([['a', 'b', 'c', 'd']]);
const small = copyExamples([
  { source: ['a', 'zed', 'b', 'zed', 'q'], target: ['zed', 'a', 'q', 'nope'] },
  { source: ['c', 'y'], target: ['y', 'c'] },
], { source: sv, target: tv });
const base = { sourceVocabSize: sv.size, targetVocabSize: tv.size, embeddingDim: 4, units: 5, seed: 3, copy: true };
const copyConfigs: Seq2SeqConfig[] = [
  { ...base, kind: 'bahdanau', cell: 'gru', encoder: 'birnn' },
  { ...base, kind: 'bahdanau', cell: 'lstm', encoder: 'rnn', coverage: true, coverageWeight: 0.5 },
  { ...base, kind: 'luong', cell: 'gru', encoder: 'birnn', luongScore: 'general' },
];
const label = (c: Seq2SeqConfig) => `${c.kind}/${c.cell}/${c.encoder}${c.coverage ? '+coverage' : ''}`;

for (const cfg of copyConfigs) {
  test(`${label(cfg)}: P sums to 1 over the extended vocabulary at every step; P(oov) = (1 − p_gen) Σ_{j: x_j = w} α_tj`, () => {
    const before = tf.memory().numTensors;
    const model = new Seq2Seq(cfg);
    const b = makeBatch(small);
    const out = model.forward(b.source, b.sourceMask, b.targetIn, { sourceExt: b.sourceExt, attention: true });
    assert.deepEqual(out.logits.shape, [2, 5, 9], 'X = V + 2 (row 0 has two source OOVs)');
    const P = tf.tidy(() => tf.exp(out.logits).arraySync()) as number[][][];
    const att = out.attention!.arraySync() as number[][][];
    const pGen = out.pGen!.arraySync() as number[][];
    for (const [i, rows] of P.entries()) {
      for (const [t, p] of rows.entries()) {
        const total = p.reduce((x, y) => x + y, 0);
        assert.ok(Math.abs(total - 1) < 1e-5, `row ${i} step ${t}: ΣP = ${total}`);
        assert.ok(pGen[i][t] > 0 && pGen[i][t] < 1);
      }
    }
    // row 0: 'zed' (id 7) at source positions 1 and 3, 'q' (id 8) at 4; row 1: 'y' (id 7) at 1, nothing has id 8
    for (let t = 0; t < 5; t++) {
      const zed = (1 - pGen[0][t]) * (att[0][t][1] + att[0][t][3]);
      assert.ok(Math.abs(P[0][t][7] - zed) < 1e-6, `P(zed) ${P[0][t][7]} vs ${zed}`);
      assert.ok(Math.abs(P[0][t][8] - (1 - pGen[0][t]) * att[0][t][4]) < 1e-6);
      assert.ok(Math.abs(P[1][t][7] - (1 - pGen[1][t]) * att[1][t][1]) < 1e-6);
      assert.ok(P[1][t][8] < 1.001e-30, `an extended id the row lacks has probability 0 (the floor), not ${P[1][t][8]}`);
    }
    if (cfg.coverage) {
      const cov = out.coverageLoss!.arraySync() as number[][];
      assert.equal(cov[0][0], 0, 'no coverage at the first step');
      // Σ_j min(α_tj, Σ_{t'<t} α_t'j), by hand from the attention
      for (let t = 1; t < 5; t++) {
        const want = att[0][t].reduce((s, a, j) => s + Math.min(a, att[0].slice(0, t).reduce((c, r) => c + r[j], 0)), 0);
        assert.ok(Math.abs(cov[0][t] - want) < 1e-5, `coverage loss step ${t}: ${cov[0][t]} vs ${want}`);
      }
    } else assert.equal(out.coverageLoss, undefined);
    tf.dispose(Object.values(out));
    disposeBatch(b);
    model.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });
}

/**
 * Central differences of the training loss (coverage term included) against tf.variableGrads: for the 3 largest
 * gradient elements of each named weight, and along one random direction through all weights at once. The weights
 * are first drawn from N(0, 0.6²) (fresh ones make tiny gradients a loose check would pass whatever they were).
 */
function gradCheck(cfg: Seq2SeqConfig, names: string[]): void {
  const model = new Seq2Seq(cfg);
  model.weights.entries().forEach(([, v], i) => tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.6, 'float32', 100 + i))));
  const b = makeBatch(small);
  const lossOf = () => tf.tidy(() => teacherForcedLoss(model, b, { coverage: true }).loss.dataSync()[0]);
  const { value, grads } = tf.variableGrads(() => teacherForcedLoss(model, b, { coverage: true }).loss, model.trainableVariables);
  const eps = 1e-2;
  const close = (numeric: number, analytic: number, what: string) =>
    assert.ok(Math.abs(numeric - analytic) <= 5e-5 + 1e-2 * Math.abs(numeric), `${label(cfg)} ${what}: autodiff ${analytic} vs finite differences ${numeric}`);
  for (const name of names) {
    const v = model.weights.read(name);
    const g = grads[v.name].dataSync();
    const base = Float32Array.from(v.dataSync());
    const largest = [...g.keys()].sort((x, y) => Math.abs(g[y]) - Math.abs(g[x])).slice(0, 3);
    assert.ok(Math.abs(g[largest[0]]) > 1e-3, `${name}: the largest gradient element ${g[largest[0]]} is too small to check`);
    for (const k of largest) {
      const at = (d: number) => {
        const x = base.slice();
        x[k] += d;
        tf.tidy(() => v.assign(tf.tensor(x, v.shape)));
        return lossOf();
      };
      close((at(eps) - at(-eps)) / (2 * eps), g[k], `${name}[${k}]`);
      tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
    }
  }
  // the directional derivative along d ~ N(0, 1) through every weight: Σ_w ⟨∇_w L, d_w⟩
  const vars = model.weights.entries().map(([, v]) => v);
  const bases = vars.map((v) => v.clone());
  const dirs = vars.map((v, i) => tf.randomNormal(v.shape, 0, 1, 'float32', 7 + i));
  const analytic = vars.reduce((sum, v, i) => sum + tf.tidy(() => tf.sum(tf.mul(grads[v.name], dirs[i])).dataSync()[0]), 0);
  const along = (d: number) => {
    vars.forEach((v, i) => tf.tidy(() => v.assign(tf.add(bases[i], tf.mul(dirs[i], d)))));
    return lossOf();
  };
  const e = 1e-3;
  close((along(e) - along(-e)) / (2 * e), analytic, 'directional derivative');
  tf.dispose([value, ...Object.values(grads), ...bases, ...dirs]);
  disposeBatch(b);
  model.dispose();
}

test('copy loss gradients (p_gen, coverage, attention, output, embedding) match finite differences', () => {
  const before = tf.memory().numTensors;
  gradCheck(copyConfigs[1], ['attention/copy/bias', 'attention/copy/context_kernel', 'attention/copy/state_kernel', 'attention/copy/input_kernel', 'attention/coverage_kernel', 'attention/v', 'output/bias', 'decoder/embedding']);
  gradCheck(copyConfigs[2], ['attention/copy/bias', 'attention/copy/context_kernel', 'attention/general_kernel', 'luong/combine_kernel']);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('the mixture loss is −log P(y) of the extended targets; validation loss leaves the coverage term out', () => {
  const model = new Seq2Seq(copyConfigs[1]);
  const b = makeBatch(small);
  const out = model.forward(b.source, b.sourceMask, b.targetIn, { sourceExt: b.sourceExt });
  const lp = out.logits.arraySync() as number[][][];
  const y = b.targetExt!.arraySync() as number[][];
  const m = b.targetMask.arraySync() as unknown as boolean[][];
  let nll = 0;
  let n = 0;
  let cov = 0;
  const c = out.coverageLoss!.arraySync() as number[][];
  y.forEach((row, i) => row.forEach((id, t) => {
    if (m[i][t]) (nll -= lp[i][t][id]), (cov += c[i][t]), n++;
  }));
  const train = tf.tidy(() => teacherForcedLoss(model, b, { coverage: true }).loss.dataSync()[0]);
  assert.ok(Math.abs(train - (nll + 0.5 * cov) / n) < 1e-5, `training loss ${train} vs ${(nll + 0.5 * cov) / n} by hand (λ = 0.5)`);
  assert.ok(Math.abs(evaluate(model, small).loss - nll / n) < 1e-5, 'evaluate: −log P(y) only');
  tf.dispose(Object.values(out));
  disposeBatch(b);
  model.dispose();
});

test('a copied word fed back is read as <unk>: a step from an extended id equals the step from <unk>', () => {
  const model = new Seq2Seq(copyConfigs[0]);
  const b = makeBatch(small);
  const dec = model.stepDecoder(b.source, b.sourceMask, { sourceExt: b.sourceExt });
  const s0 = dec.init(2);
  const run = (ids: number[]) => {
    const prev = tf.tensor1d(ids, 'int32');
    const r = dec.step(prev, s0);
    const lp = r.logProbs.arraySync();
    tf.dispose([prev, r.logProbs, ...(r.attention ? [r.attention] : [])]);
    dec.dispose(r.state);
    return lp;
  };
  assert.deepEqual(run([7, 8]), run([UNK_ID, UNK_ID]));
  dec.dispose(s0);
  disposeBatch(b);
  model.dispose();
});

// ---------------------------------------------------------------- errors

test('bad copy configs and inputs are refused, naming the key', async () => {
  const plain = { sourceVocabSize: 9, targetVocabSize: 7, embeddingDim: 4, units: 5, seed: 1, cell: 'gru' as const, encoder: 'rnn' as const };
  assert.throws(() => new Seq2Seq({ ...plain, kind: 'baseline', copy: true }), /seq2seq config: copy needs an attention decoder \(kind bahdanau or luong\)/);
  assert.throws(() => new Seq2Seq({ ...plain, kind: 'luong', copy: true, coverage: true }), /seq2seq config: coverage needs kind bahdanau with copy: true/);
  assert.throws(() => new Seq2Seq({ ...plain, kind: 'bahdanau', coverage: true }), /coverage needs kind bahdanau with copy: true .* without copy/);
  assert.throws(() => new Seq2Seq({ ...plain, kind: 'bahdanau', copy: 'yes' as unknown as boolean }), /seq2seq config: copy must be true or false, not "yes"/);
  assert.throws(() => new Seq2Seq({ ...plain, kind: 'bahdanau', copy: true, coverage: true, coverageWeight: -1 }), /coverageWeight must be a number ≥ 0, not -1/);
  assert.throws(() => new Seq2Seq({ ...plain, kind: 'bahdanau', copy: true, coverageWeight: 1 }), /coverageWeight is set but coverage is off/);
  const model = new Seq2Seq(copyConfigs[0]);
  const b = makeBatch(small);
  assert.throws(() => model.forward(b.source, b.sourceMask, b.targetIn), /a copy model \(config copy: true\) needs the source in extended ids, sourceExt \[b, S\]/);
  assert.throws(() => model.stepDecoder(b.source, b.sourceMask).init(2), /needs the source in extended ids, sourceExt/);
  assert.throws(() => model.forward(b.source, b.sourceMask, b.targetIn, { sourceExt: b.sourceMask }), /sourceExt must be int32 \[2, 5\] like the source, not bool \[2,5\]/);
  assert.throws(() => makeTrainStep(model, 'fast'), /the fast step cannot run: the copy mechanism \(pointer-generator, config copy\) has no hand-written backward pass/);
  assert.throws(() => makeTrainStep(model, 'auto', { labelSmoothing: 0.1 }), /labelSmoothing is not defined for a copy model/);
  const auto = makeTrainStep(model, 'auto');
  assert.equal(auto.kind, 'autodiff');
  assert.match(auto.reason, /the fast step does not cover this: the copy mechanism/);
  const noIds = makeBatch(small.map((e) => ({ source: e.source, target: e.target })));
  assert.throws(() => tf.tidy(() => auto.run(noIds)), /a copy model \(config copy: true\) needs batches with copy ids \(sourceExt, targetExt\): build the examples with copyExamples/);
  disposeBatch(noIds);
  disposeBatch(b);
  model.dispose();
});

// ---------------------------------------------------------------- the copy task

/**
 * Names (random consonant–vowel words) in neither vocabulary: source "n1 … nk" (k = 2–4), target
 * "nk and … and n1 ." (reversed, fixed words between). Training and test names are disjoint pools of 1000.
 */
function copyTask(): { train: Example[]; test: { source: string; target: string }[]; bundleParts: Omit<ModelBundle, 'model'> } {
  const r = rng(7);
  const C = 'bdfgklmnprstvz';
  const Vw = 'aeiou';
  const pool = new Set<string>();
  while (pool.size < 2000) {
    let s = '';
    const n = 2 + Math.floor(r() * 2);
    for (let i = 0; i < n; i++) s += C[Math.floor(r() * C.length)] + Vw[Math.floor(r() * Vw.length)];
    pool.add(s);
  }
  const names = [...pool];
  const pair = (ns: string[]) => {
    const xs = Array.from({ length: 2 + Math.floor(r() * 3) }, () => ns[Math.floor(r() * ns.length)]);
    return { source: xs.join(' '), target: [...xs].reverse().join(' and ') + ' .' };
  };
  const trainPairs = Array.from({ length: 2000 }, () => pair(names.slice(0, 1000)));
  const test = Array.from({ length: 200 }, () => pair(names.slice(1000)));
  const tok = wordTokenizer();
  const sourceVocab = Vocabulary.build([tok.tokenize('and .')]);
  const targetVocab = Vocabulary.build([tok.tokenize('and .')]);
  const train = copyExamples(trainPairs.map((p) => ({ source: tok.tokenize(p.source), target: tok.tokenize(p.target) })), { source: sourceVocab, target: targetVocab });
  return { train, test, bundleParts: { sourceVocab, targetVocab, sourceTokenizer: tok, targetTokenizer: tok } };
}

const exact = (outs: { text: string }[], want: { target: string }[]) => outs.filter((o, i) => o.text === want[i].target).length / want.length;

test('copy task with names never seen in training: ≥ 95 % exact with copy, about 0 % without; decoding, save/load and the command line copy them', async () => {
  const task = copyTask();
  const results: Record<string, number> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-copy-'));
  try {
    for (const copy of [true, false]) {
      const cfg: Seq2SeqConfig = { kind: 'bahdanau', cell: 'gru', encoder: 'birnn', sourceVocabSize: task.bundleParts.sourceVocab.size, targetVocabSize: task.bundleParts.targetVocab.size, embeddingDim: 8, units: 24, seed: 3, ...(copy ? { copy } : {}) };
      const model = new Seq2Seq(cfg);
      const res = await train(model, { train: task.train }, { epochs: 5, batchSize: 32, seed: 1, learningRate: 0.01, progress: 'silent' });
      assert.equal(res.step, copy ? 'autodiff' : 'fast', res.stepReason);
      if (copy) assert.match(res.stepReason, /copy mechanism .* runs on autodiff/);
      const bundle: ModelBundle = { model, ...task.bundleParts };
      const before = tf.memory().numTensors;
      const greedy = translate(bundle, task.test.map((p) => p.source));
      results[copy ? 'copy' : 'plain'] = exact(greedy, task.test);
      if (!copy) {
        assert.ok(results.plain <= 0.02, `without copy ${results.plain} exact: it cannot produce unseen names`);
        assert.ok(greedy.every((o) => o.tokens.includes('<unk>')), 'without copy the names come out as <unk>');
        model.dispose();
        continue;
      }
      assert.ok(results.copy >= 0.95, `with copy only ${results.copy} exact`);
      const beam = translate(bundle, task.test.slice(0, 40).map((p) => p.source), { beam: 3 });
      assert.ok(exact(beam, task.test.slice(0, 40)) >= 0.95, `beam 3: ${exact(beam, task.test.slice(0, 40))} exact`);
      assert.ok(beam[0].tokens.some((t) => !task.bundleParts.targetVocab.has(t)), 'beam output holds copied OOV words');
      // sampling at a low temperature over the extended vocabulary, read back with the OOV lists
      const ex = copyExamples(task.test.slice(0, 20).map((p) => ({ source: wordTokenizer().tokenize(p.source), target: [] })), { source: task.bundleParts.sourceVocab, target: task.bundleParts.targetVocab });
      const b = makeBatch(ex);
      const sampled = sampleDecode(model.stepDecoder(b.source, b.sourceMask, { sourceExt: b.sourceExt }), 20, { maxLength: 20, temperature: 0.3, seed: 1 });
      const sampledText = sampled.map((d, i) => task.bundleParts.targetTokenizer.detokenize(decodeExtended(task.bundleParts.targetVocab, d.tokens, b.oovs![i])));
      assert.ok(exact(sampledText.map((text) => ({ text })), task.test.slice(0, 20)) >= 0.9, 'sampling at τ = 0.3 copies too');
      const beamDirect = beamSearch(model.stepDecoder(b.source, b.sourceMask, { sourceExt: b.sourceExt }), 20, { width: 2, maxLength: 20 });
      assert.ok(beamDirect.every((d) => d.tokens.some((id) => id >= task.bundleParts.targetVocab.size)), 'beam search returns extended ids');
      disposeBatch(b);
      assert.equal(tf.memory().numTensors, before, 'decoding leaked tensors');
      // save/load: the config round-trips and the outputs are the same
      await saveModel(dir, bundle);
      const loaded = await loadModel(dir);
      assert.equal((loaded.model.config as Seq2SeqConfig).copy, true);
      const again = translate(loaded, task.test.slice(0, 40).map((p) => p.source));
      assert.deepEqual(again.map((o) => [o.text, o.score]), greedy.slice(0, 40).map((o) => [o.text, o.score]));
      loaded.model.dispose();
      model.dispose();
      // the command line: OOV names reported and copied
      const cli = spawnSync(process.execPath, [path.join(ROOT, 'build', 'scripts', 'translate.js'), dir, 'zorimo kepa dutela'], { encoding: 'utf8', cwd: ROOT });
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal(cli.stdout.trim(), 'zorimo kepa dutela\tdutela and kepa and zorimo .');
      assert.match(cli.stderr, /3 token\(s\) not in the model's vocabulary, read as <unk>: .* \(a copy model: it can still copy them to the output\)/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`copy task (test names unseen): ${(100 * results.copy).toFixed(1)} % exact with copy, ${(100 * results.plain).toFixed(1)} % without`);
});

test('a model without copy saves and loads as before: no copy weights, no copy keys', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-copy-plain-'));
  try {
    const model = new Seq2Seq({ ...copyConfigs[0], copy: undefined });
    assert.ok(model.weights.entries().every(([n]) => !n.startsWith('attention/copy') && n !== 'attention/coverage_kernel'));
    const src = Vocabulary.build([['a', 'b', 'c', 'd']]);
    await saveModel(dir, { model, sourceVocab: src, targetVocab: tv, sourceTokenizer: wordTokenizer(), targetTokenizer: wordTokenizer() });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal('copy' in json.modelTopology.config, false);
    const loaded = await loadModel(dir);
    assert.equal(loaded.model.weights.entries().length, model.weights.entries().length);
    loaded.model.dispose();
    model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
