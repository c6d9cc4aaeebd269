// Forgetting mitigations: the L2 pull toward the starting weights (train's `anchor`) and mixed fine-tuning (mixDomains).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  anchorPenalty, disposeAnchor, encodePairs, encodeSplits, makeAnchor, makeBatch, maskedCrossEntropy, mixDomains, Seq2Seq, tf, train, UNK_ID,
  validateTrainConfig, withAnchorGradients, wordTokenizer, type Example, type Seq2SeqConfig, type TrainConfig,
} from '../src';

const values = (m: Seq2Seq) => Object.fromEntries(m.weights.entries().map(([n, v]) => [n, Array.from(v.dataSync())]));
const data: Example[] = Array.from({ length: 12 }, (_, i) => ({ source: [4 + (i % 5), 4 + ((i * 3) % 5), 4 + ((i * 7) % 5)], target: [4 + ((i * 7) % 5), 4 + (i % 5)] }));
const cfg: Seq2SeqConfig = { kind: 'bahdanau', cell: 'gru', encoder: 'rnn', sourceVocabSize: 9, targetVocabSize: 9, embeddingDim: 6, units: 8, seed: 3 };

test('anchor: the pull adds λ(θ − θ₀) to the gradient and the penalty is (λ/2)‖θ − θ₀‖² (by hand)', () => {
  const before = tf.memory().numTensors;
  const init = tf.tensor1d([1, 2, 3]);
  const v = tf.variable(init, true, 'anchor-hand');
  init.dispose();
  const a = makeAnchor([v], 0.2);
  const moved = tf.tensor1d([1.5, 2, 2]);
  v.assign(moved);
  const g = tf.tensor1d([1, 1, 1]);
  const out = withAnchorGradients({ 'anchor-hand': g }, a);
  const got = Array.from(out['anchor-hand'].dataSync());
  [1.1, 1, 0.8].forEach((x, i) => assert.ok(Math.abs(got[i] - x) < 1e-6, `gradient ${got} vs [1.1, 1, 0.8]`));
  const p = anchorPenalty(a);
  assert.ok(Math.abs(p.dataSync()[0] - 0.125) < 1e-7, `penalty ${p.dataSync()[0]} vs 0.1·(0.25 + 0 + 1) = 0.125`);
  assert.throws(() => withAnchorGradients({ other: g }, a), /no starting value recorded for the weight other/);
  assert.throws(() => makeAnchor([v], -1), /weight must be a number ≥ 0, not -1/);
  tf.dispose([moved, g, p, out['anchor-hand']]);
  disposeAnchor(a);
  v.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('anchor: the pull is the gradient of the penalty (central finite differences)', () => {
  const init = tf.randomNormal([4, 3], 0, 1, 'float32', 7);
  const v = tf.variable(init, true, 'anchor-fd');
  init.dispose();
  const a = makeAnchor([v], 0.7);
  const moved = tf.randomNormal([4, 3], 0, 1, 'float32', 8);
  v.assign(moved);
  const zero = tf.zerosLike(v);
  const pulledT = withAnchorGradients({ 'anchor-fd': zero }, a)['anchor-fd'];
  const pulled = pulledT.dataSync();
  const theta = Float32Array.from(v.dataSync());
  const h = 1e-2;
  const at = (i: number, d: number) => {
    const t = Float32Array.from(theta);
    t[i] += d;
    const tt = tf.tensor(t, v.shape);
    v.assign(tt);
    tt.dispose();
    const p = anchorPenalty(a);
    const x = p.dataSync()[0];
    p.dispose();
    return x;
  };
  for (let i = 0; i < theta.length; i++) {
    const fd = (at(i, h) - at(i, -h)) / (2 * h);
    assert.ok(Math.abs(fd - pulled[i]) < 2e-3 * Math.max(1, Math.abs(pulled[i])), `weight ${i}: finite difference ${fd}, pull ${pulled[i]}`);
  }
  tf.dispose([zero, moved, pulledT]);
  disposeAnchor(a);
  v.dispose();
});

const run = async (tc: Partial<TrainConfig>) => {
  const model = new Seq2Seq(cfg);
  const start = values(model);
  try {
    const r = await train(model, { train: data }, { epochs: 2, batchSize: 4, seed: 1, learningRate: 0.05, progress: 'silent', ...tc });
    return { r, w: values(model), start };
  } finally {
    model.dispose();
  }
};
const distance = (a: Record<string, number[]>, b: Record<string, number[]>) => Math.sqrt(Object.keys(a).reduce((s, k) => s + a[k].reduce((t, x, i) => t + (x - b[k][i]) ** 2, 0), 0));

for (const step of ['fast', 'autodiff'] as const) {
  test(`anchor (${step} step): weight 0 trains bit for bit as without; a stronger pull ends nearer the start`, async () => {
    const before = tf.memory().numTensors;
    const plain = await run({ step });
    const zero = await run({ step, anchor: { weight: 0 } });
    assert.deepEqual(zero.w, plain.w);
    assert.deepEqual(zero.r.history.map((h) => h.loss), plain.r.history.map((h) => h.loss));
    const d = [plain, await run({ step, anchor: { weight: 1 } }), await run({ step, anchor: { weight: 30 } })].map((x) => distance(x.w, x.start));
    assert.ok(d[0] > d[1] && d[1] > d[2], `distance from the start for λ = 0, 1, 30: ${d.map((x) => x.toFixed(4))}`);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });

  test(`anchor (${step} step): the second step's gradient norm before clipping is ‖∇L(θ₁) + λ(θ₁ − θ₀)‖, by hand`, async () => {
    // one batch per epoch holding all the data: step 1 has θ = θ₀ (no pull), so θ₁ is the plain run's; step 2 adds the pull.
    // clipNorm 1e9: the norm is measured (clipNorm 0 skips it) and nothing is clipped.
    const one = { epochs: 1, batchSize: data.length, step, clipNorm: 1e9 } as const;
    const lambda = 40;
    const model = new Seq2Seq(cfg);
    const theta0 = model.trainableVariables.map((v) => v.clone());
    await train(model, { train: data }, { ...one, seed: 1, learningRate: 0.05, progress: 'silent' });
    const b = makeBatch(data);
    const expected = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => maskedCrossEntropy(model.forward(b.source, b.sourceMask, b.targetIn).logits, b.targetOut, b.targetMask));
      const terms = model.trainableVariables.map((v, i) => tf.sum(tf.square(tf.add(grads[v.name], tf.mul(lambda, tf.sub(v, theta0[i]))))));
      return tf.sqrt(tf.addN(terms)).dataSync()[0];
    });
    const plainNorm = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => maskedCrossEntropy(model.forward(b.source, b.sourceMask, b.targetIn).logits, b.targetOut, b.targetMask));
      return tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0];
    });
    tf.dispose([b.source, b.sourceMask, b.targetIn, b.targetOut, b.targetMask]);
    model.dispose();
    tf.dispose(theta0);
    const anchored = await run({ ...one, epochs: 2, anchor: { weight: lambda }, maxBatchesPerEpoch: 1 });
    const got = anchored.r.history[1].gradNorm;
    assert.ok(Math.abs(got - expected) < 1e-3 * expected, `gradient norm at step 2: train ${got}, by hand ${expected}`);
    assert.ok(Math.abs(expected - plainNorm) > 0.1 * plainNorm, `the pull should matter here: ${expected} with it, ${plainNorm} without`);
  });
}

test('train config: anchor values out of range or unknown keys are refused, naming the key; not with resumeFrom', () => {
  const ok: TrainConfig = { epochs: 1, batchSize: 4, seed: 1 };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ anchor: { weight: -0.5 } }, /anchor.weight must be a number ≥ 0, not -0.5/],
    [{ anchor: { weight: 'big' } }, /anchor.weight must be a number ≥ 0, not "big"/],
    [{ anchor: {} }, /anchor.weight must be a number ≥ 0, not undefined/],
    [{ anchor: { weight: 1, decay: 2 } }, /anchor has an unknown key "decay" \(allowed: weight\)/],
    [{ anchor: 0.1 }, /anchor must be an object \{ weight \}, not 0.1/],
    [{ anchor: { weight: 0.1 }, resumeFrom: 'x' }, /anchor and resumeFrom exclude each other/],
  ];
  for (const [bad, msg] of cases) assert.throws(() => validateTrainConfig({ ...ok, ...bad } as TrainConfig), msg);
  assert.doesNotThrow(() => validateTrainConfig({ ...ok, anchor: { weight: 0.01 } }));
});

test('mixDomains: all in-domain examples and round(oldRatio · n) distinct old ones, in a seeded order', () => {
  const inD = Array.from({ length: 30 }, (_, i) => `new${i}`);
  const oldD = Array.from({ length: 100 }, (_, i) => `old${i}`);
  for (const [ratio, want] of [[0, 0], [0.5, 15], [1 / 3, 10], [2, 60], [0.49, 15]] as const) {
    const m = mixDomains(inD, oldD, { oldRatio: ratio, seed: 4 });
    const olds = m.filter((x) => x.startsWith('old'));
    assert.equal(olds.length, want, `oldRatio ${ratio}`);
    assert.equal(new Set(olds).size, want, 'old examples drawn without replacement');
    assert.deepEqual(m.filter((x) => x.startsWith('new')).sort(), [...inD].sort(), 'every in-domain example exactly once');
  }
  const a = mixDomains(inD, oldD, { oldRatio: 1, seed: 4 });
  assert.deepEqual(mixDomains(inD, oldD, { oldRatio: 1, seed: 4 }), a, 'same seed, same mix');
  const b = mixDomains(inD, oldD, { oldRatio: 1, seed: 5 });
  assert.notDeepEqual(b, a, 'another seed, another mix');
  assert.notDeepEqual(b.filter((x) => x.startsWith('old')).sort(), a.filter((x) => x.startsWith('old')).sort(), 'another seed draws other old examples');
  assert.notDeepEqual(a.slice(0, 30), inD, 'shuffled, not in-domain first');
  assert.throws(() => mixDomains(inD, oldD, { oldRatio: -1, seed: 1 }), /oldRatio must be a number ≥ 0, not -1/);
  assert.throws(() => mixDomains(inD, oldD, { oldRatio: NaN, seed: 1 }), /oldRatio must be a number ≥ 0, not null/);
  assert.throws(() => mixDomains(inD, oldD, { oldRatio: 1, seed: 1.5 }), /seed must be an integer, not 1.5/);
  assert.throws(() => mixDomains(inD, oldD, { oldRatio: 4, seed: 1 }), /oldRatio 4 asks for 120 old-domain examples \(30 in-domain\), but there are only 100/);
  assert.throws(() => mixDomains([], oldD, { oldRatio: 1, seed: 1 }), /no in-domain examples/);
});

test('encodePairs: text pairs encoded with a given bundle\'s tokenizers and vocabularies, unknown tokens as <unk>', () => {
  const t = wordTokenizer();
  const pairs = [{ source: 'a b', target: 'x y', line: 1 }, { source: 'b c', target: 'y', line: 2 }];
  const splits = encodeSplits({ train: pairs, valid: [], test: [{ source: 'a z', target: 'x w', line: 3 }] }, { source: t, target: t });
  const b = { sourceTokenizer: t, targetTokenizer: t, sourceVocab: splits.sourceVocab, targetVocab: splits.targetVocab };
  assert.deepEqual(encodePairs(pairs, b), splits.train);
  const [e] = encodePairs([{ source: 'a z', target: 'x w', line: 3 }], b);
  assert.deepEqual(e, splits.test[0]);
  assert.deepEqual([e.source[1], e.target[1]], [UNK_ID, UNK_ID]);
  assert.equal(e.source[0], splits.sourceVocab.encode(t.tokenize('a'))[0]);
});
