// The Transformer: shapes (checked by name), masks, causality, positional encodings, dropout, gradients to
// every weight, and the key/value-cached step decoder against the uncached one (greedy, sampling, beam).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  attendHeads, beamSearch, causalMask, dotScore, greedyDecode, makeBatch, disposeBatch, fusedLayerNorm, fusedLogSoftmax, layerNorm, layerNormRows, MultiHeadAttention, multiHeadAttention, projectHeads, sampleDecode,
  scaledDotScore, ShapeChecker, sinusoidalEncoding, softmaxMaskTerms, tf, Transformer, type TransformerConfig, type TransformerDecodeState,
} from '../src';

const cfg: TransformerConfig = { kind: 'transformer', sourceVocabSize: 13, targetVocabSize: 11, dModel: 16, numHeads: 4, ffDim: 32, encoderLayers: 2, decoderLayers: 2, dropout: 0, seed: 3 };
// batch of 3: sources of 5, 3 and 4 tokens (padded to 5), targets of 4, 2, 3 tokens
const examples = [
  { source: [4, 5, 6, 7, 8], target: [3, 4, 5, 6] },
  { source: [9, 10, 11], target: [7, 8] },
  { source: [12, 4, 5, 6], target: [9, 4, 5] },
];
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** How many TensorFlow kernels `f` runs on tfjs-node (calls into the binding's executeOp, tfjs ops and direct ones alike), and its result. */
function countKernels<T>(f: () => T): { result: T; kernels: number } {
  const backend = tf.backend() as unknown as { binding: Record<string, unknown> };
  const binding = backend.binding;
  assert.equal(typeof binding?.executeOp, 'function', 'kernel counts need the tfjs-node backend');
  let kernels = 0;
  const counting: Record<string, unknown> = {};
  for (const k of Object.getOwnPropertyNames(binding)) {
    const v = binding[k];
    counting[k] = typeof v === 'function' ? v.bind(binding) : v;
  }
  const run = binding.executeOp as (...a: unknown[]) => unknown;
  counting.executeOp = (...a: unknown[]) => (kernels++, run.apply(binding, a));
  backend.binding = counting;
  try {
    return { result: f(), kernels };
  } finally {
    backend.binding = binding;
  }
}

test('forward: shapes by name, attention rows sum to 1 and give padding nothing, padding content is ignored', () => {
  const model = new Transformer(cfg);
  const b = makeBatch(examples);
  const sc = new ShapeChecker();
  sc.check(b.source, 'batch S');
  sc.check(b.targetIn, 'batch T');
  const { logits, attention, crossAttention, selfAttention } = model.forward(b.source, b.sourceMask, b.targetIn, { attention: true, heads: true });
  sc.check(logits, 'batch T V');
  sc.check(attention!, 'batch T S');
  assert.equal(crossAttention!.length, cfg.decoderLayers);
  for (const h of crossAttention!) sc.check(h, `batch ${cfg.numHeads} T S`);
  assert.equal(selfAttention!.length, cfg.decoderLayers);
  for (const h of selfAttention!) {
    sc.check(h, `batch ${cfg.numHeads} T T`);
    // masked self-attention: each row sums to 1 over the positions up to its own, and gives nothing after it
    for (const rows of (h.arraySync() as number[][][][]).flat()) {
      rows.forEach((row, t) => {
        assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5, `self-attention row ${t} sums to ${row.reduce((x, y) => x + y, 0)}`);
        assert.deepEqual(row.slice(t + 1), row.slice(t + 1).map(() => 0), `self-attention row ${t} looks ahead`);
      });
    }
  }
  sc.check(model.encode(b.source, b.sourceMask), `batch S ${cfg.dModel}`);
  assert.deepEqual([logits.shape[2], b.source.shape], [cfg.targetVocabSize, [3, 5]]);
  const a = attention!.arraySync() as number[][][];
  for (const row of a.flat()) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  for (const row of a[1]) assert.deepEqual(row.slice(3), [0, 0]);
  const noisy = tf.tensor2d([[4, 5, 6, 7, 8], [9, 10, 11, 1, 12], [12, 4, 5, 6, 2]], undefined, 'int32');
  assert.ok(maxDiff(model.forward(noisy, b.sourceMask, b.targetIn).logits, logits) < 1e-5, 'padding leaked into the outputs');
  assert.throws(() => model.forward(b.source, tf.ones([3, 4], 'bool') as tf.Tensor2D, b.targetIn), /Transformer.forward: sourceMask must have the source's shape \[3, 5\], received \[3, 4\]/);
  disposeBatch(b);
  model.dispose();
});

test('causal: a target token changes the logits at its own and later positions only', () => {
  const model = new Transformer(cfg);
  const b = makeBatch(examples);
  const before = model.forward(b.source, b.sourceMask, b.targetIn).logits.arraySync() as number[][][];
  const changed = b.targetIn.arraySync() as number[][];
  changed[0][2] = 10;
  const after = model.forward(b.source, b.sourceMask, tf.tensor2d(changed, undefined, 'int32')).logits.arraySync() as number[][][];
  const diff = (t: number) => Math.max(...before[0][t].map((v, j) => Math.abs(v - after[0][t][j])));
  assert.ok(diff(0) < 1e-6 && diff(1) < 1e-6, `positions before the change moved: ${diff(0)}, ${diff(1)}`);
  assert.ok(diff(2) > 1e-4 && diff(3) > 1e-4, `positions from the change did not move: ${diff(2)}, ${diff(3)}`);
  disposeBatch(b);
  model.dispose();
});

test('sinusoidal encoding: the formula by hand, offsets continue the table', () => {
  const pe = sinusoidalEncoding(6, 8).arraySync() as number[][];
  for (const [p, j] of [[0, 0], [0, 1], [3, 2], [5, 5], [4, 7]]) {
    const angle = p / 10000 ** ((2 * Math.floor(j / 2)) / 8);
    assert.ok(Math.abs(pe[p][j] - (j % 2 ? Math.cos(angle) : Math.sin(angle))) < 1e-6, `PE[${p}, ${j}]`);
  }
  assert.deepEqual(sinusoidalEncoding(2, 8, 4).arraySync(), pe.slice(4, 6).map((r) => Array.from(Float32Array.from(r))));
  assert.throws(() => sinusoidalEncoding(2, 0), /d must be a positive integer, not 0/);
});

test('config: errors name the field; learned positions add weights and refuse positions past maxLength', () => {
  assert.throws(() => new Transformer({ ...cfg, numHeads: 3 }), /dModel \(16\) must be divisible by numHeads \(3\)/);
  assert.throws(() => new Transformer({ ...cfg, encoderLayers: 0 }), /encoderLayers must be a positive integer, not 0/);
  assert.throws(() => new Transformer({ ...cfg, dropout: 1 }), /dropout must be in \[0, 1\)/);
  const plain = new Transformer(cfg);
  const learned = new Transformer({ ...cfg, positional: 'learned', maxLength: 5 });
  assert.equal(learned.countParams() - plain.countParams(), 2 * 5 * cfg.dModel);
  const b = makeBatch(examples);
  assert.doesNotThrow(() => learned.forward(b.source, b.sourceMask, b.targetIn));
  const long = tf.zeros([1, 6], 'int32') as tf.Tensor2D;
  assert.throws(() => learned.forward(long, tf.ones([1, 6], 'bool') as tf.Tensor2D, b.targetIn.slice([0, 0], [1, 2])), /encoder position 5 is beyond the learned positions \(maxLength 5\)/);
  disposeBatch(b);
  plain.dispose();
  learned.dispose();
});

test('parameter count by hand: 2 + 2 layers, d = 16, ff = 32', () => {
  const model = new Transformer(cfg);
  const d = 16, ff = 32;
  const attn = 4 * (d * d + d), norm = 2 * d, ffn = d * ff + ff + ff * d + d;
  const expected = 13 * d + 2 * (2 * norm + attn + ffn) + norm + 11 * d + 2 * (3 * norm + 2 * attn + ffn) + norm + d * 11 + 11;
  assert.equal(model.countParams(), expected);
  model.dispose();
});

test('every weight gets a gradient; dropout only while training, seeded', () => {
  const model = new Transformer({ ...cfg, dropout: 0.3 });
  const b = makeBatch(examples);
  const { grads } = tf.variableGrads(() => tf.mean(model.forward(b.source, b.sourceMask, b.targetIn, { training: true }).logits.square()) as tf.Scalar, model.trainableVariables);
  for (const v of model.trainableVariables) {
    assert.ok(grads[v.name], `no gradient for ${v.name}`);
    assert.ok(tf.max(tf.abs(grads[v.name])).dataSync()[0] > 0, `zero gradient for ${v.name}`);
  }
  tf.dispose(Object.values(grads));
  const eval1 = model.forward(b.source, b.sourceMask, b.targetIn).logits;
  const eval2 = model.forward(b.source, b.sourceMask, b.targetIn).logits;
  assert.equal(maxDiff(eval1, eval2), 0);
  const train1 = model.forward(b.source, b.sourceMask, b.targetIn, { training: true }).logits;
  assert.ok(maxDiff(train1, eval1) > 1e-3, 'dropout did nothing while training');
  const again = new Transformer({ ...cfg, dropout: 0.3 }, { scope: 'again' });
  again.forward(b.source, b.sourceMask, b.targetIn, { training: true }); // the same number of dropout calls as above
  assert.equal(maxDiff(again.forward(b.source, b.sourceMask, b.targetIn, { training: true }).logits, train1), 0, 'the same seed gave other dropout masks');
  disposeBatch(b);
  model.dispose();
  again.dispose();
});

test('MultiHeadAttention: the layer is its functional core; cached keys/values give the causal rows', () => {
  const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 4, outputShape: 5 });
  const x = tf.randomNormal([2, 6, 7], 0, 1, 'float32', 1) as tf.Tensor3D;
  const [out, scores] = layer.apply([x, x], { useCausalMask: true, returnAttentionScores: true }) as tf.Tensor[];
  const w = layer.headWeights();
  const f = multiHeadAttention(w, x, x, x, { mask: causalMask(6, 6).expandDims(0) });
  assert.equal(maxDiff(f.output, out), 0);
  assert.equal(maxDiff(f.scores, scores), 0);
  // one position at a time over the keys/values of the prefix, with no mask
  const k = projectHeads(x, w.keyKernel, w.keyBias); // [2, 2, 6, 3]
  const v = projectHeads(x, w.valueKernel, w.valueBias); // [2, 2, 6, 4]
  for (let t = 0; t < 6; t++) {
    const q = projectHeads(x.slice([0, t, 0], [-1, 1, -1]), w.queryKernel, w.queryBias); // [2, 2, 1, 3]
    const step = attendHeads(q, k.slice([0, 0, 0, 0], [-1, -1, t + 1, -1]), v.slice([0, 0, 0, 0], [-1, -1, t + 1, -1]), w.outputKernel, w.outputBias);
    assert.ok(maxDiff(step.output, out.slice([0, t, 0], [-1, 1, -1])) < 1e-6, `position ${t}`);
  }
  assert.throws(() => attendHeads(k, k, v.slice([0, 0, 0, 0], [-1, -1, 5, -1]), w.outputKernel), /attendHeads: v \[2, 2, 5, 4\] must be \[2, 2, 6, vd\] for k \[2, 2, 6, 3\]/);
  assert.throws(() => projectHeads(x, w.valueKernel.slice([0, 0, 0], [6, -1, -1])), /projectHeads: kernel must have shape \[7, heads, size\] for x \[2, 6, 7\], received \[6, 2, 4\]/);
});

test('fusedLayerNorm (one TensorFlow kernel) is layerNorm: within 1e-6, as [n, d] and [1, n, 1, d], with γ and β or without; no leaks', () => {
  const x = tf.randomNormal([5, 16], 0.7, 3, 'float32', 2) as tf.Tensor2D;
  const gamma = tf.randomNormal([16], 1, 0.5, 'float32', 3);
  const beta = tf.randomNormal([16], 0, 0.5, 'float32', 4);
  const readable = tf.tidy(() => layerNorm(x.expandDims(0) as tf.Tensor3D, gamma, beta).squeeze([0]));
  const plain = tf.tidy(() => layerNorm(x.expandDims(0) as tf.Tensor3D, tf.ones([16]), tf.zeros([16])).squeeze([0]));
  const x4 = x.reshape([1, 5, 1, 16]);
  const rows = layerNormRows(5);
  const before = tf.memory().numTensors;
  const fused = fusedLayerNorm(x, gamma, beta, 1e-5, rows);
  const nchw = fusedLayerNorm(x4, null, null, 1e-5, rows);
  assert.equal(tf.memory().numTensors, before + 2, 'fusedLayerNorm leaked tensors');
  assert.deepEqual([fused.shape, nchw.shape], [[5, 16], [1, 5, 1, 16]]);
  assert.ok(maxDiff(fused, readable) < 1e-6, `with γ, β: ${maxDiff(fused, readable)}`);
  assert.ok(maxDiff(nchw.reshape([5, 16]), plain) < 1e-6, `normalisation alone: ${maxDiff(nchw.reshape([5, 16]), plain)}`);
  assert.ok(maxDiff(plain, readable) > 0.1, 'γ and β did nothing: the comparison would not tell them apart');
  const few = layerNormRows(4);
  assert.throws(() => fusedLayerNorm(x, gamma, beta, 1e-5, few), /fusedLayerNorm: rows are for 4 positions, x \[5,16\] has 5/);
  tf.dispose([x, x4, gamma, beta, readable, plain, fused, nchw, ...Object.values(rows), ...Object.values(few)]);
});

test('fusedLogSoftmax (one TensorFlow kernel, tf.logSoftmax runs seven) is tf.logSoftmax within 1e-6, rank 2 and 4; rows of exp sum to 1; no leaks', () => {
  const x = tf.mul(tf.randomNormal([3, 40], 0, 1, 'float32', 9), 5) as tf.Tensor2D; // spread out: large and small probabilities
  const x4 = x.reshape([1, 3, 1, 40]);
  const readable = tf.logSoftmax(x);
  const before = tf.memory().numTensors;
  const fused = countKernels(() => fusedLogSoftmax(x));
  const fused4 = fusedLogSoftmax(x4);
  assert.equal(tf.memory().numTensors, before + 2, 'fusedLogSoftmax leaked tensors');
  assert.equal(fused.kernels, 1, `fusedLogSoftmax ran ${fused.kernels} kernels`);
  const tfjs = countKernels(() => tf.logSoftmax(x));
  assert.equal(tfjs.kernels, 7, `tf.logSoftmax ran ${tfjs.kernels} kernels (the docs say seven)`);
  assert.deepEqual([fused.result.shape, fused4.shape], [[3, 40], [1, 3, 1, 40]]);
  assert.ok(maxDiff(fused.result, readable) < 1e-6, `rank 2: ${maxDiff(fused.result, readable)}`);
  assert.ok(maxDiff(fused4.reshape([3, 40]), readable) < 1e-6, `rank 4: ${maxDiff(fused4.reshape([3, 40]), readable)}`);
  for (const total of tf.sum(tf.exp(fused.result), 1).arraySync() as number[]) assert.ok(Math.abs(total - 1) < 1e-5, `a row of probabilities sums to ${total}`);
  assert.ok((tf.min(fused.result).dataSync()[0]) < -10, 'no small probabilities: the test would not see a lost tail');
  tf.dispose([x, x4, readable, fused.result, fused4, tfjs.result]);
});

test('scaled dot score with scale 1 is the dot score (no multiply); attendHeads on queries scaled beforehand with scale 1 = attendHeads on the raw queries', () => {
  const [b, h, tq, tv, k] = [2, 3, 2, 5, 4];
  const q = tf.randomNormal([b, h, tq, k], 0, 1, 'float32', 10) as tf.Tensor4D;
  const kk = tf.randomNormal([b, h, tv, k], 0, 1, 'float32', 11) as tf.Tensor4D;
  const v = tf.randomNormal([b, h, tv, k], 0, 1, 'float32', 12) as tf.Tensor4D;
  const wo = tf.randomNormal([h * k, 6], 0, 1, 'float32', 13);
  assert.equal(maxDiff(scaledDotScore(q, kk, 1), dotScore(q, kk)), 0);
  assert.equal(countKernels(() => scaledDotScore(q, kk, 1)).kernels, 1, 'scale 1 still multiplies');
  const plain = attendHeads(q, kk, v, wo); // Q Kᵀ / √k inside
  const prescaled = attendHeads(tf.mul(q, 1 / Math.sqrt(k)) as tf.Tensor4D, kk, v, wo, undefined, undefined, { scale: 1 });
  assert.ok(maxDiff(prescaled.output, plain.output) < 1e-5, `output ${maxDiff(prescaled.output, plain.output)}`);
  assert.ok(maxDiff(prescaled.scores, plain.scores) < 1e-6, `weights ${maxDiff(prescaled.scores, plain.scores)}`);
  assert.ok(maxDiff(attendHeads(q, kk, v, wo, undefined, undefined, { scale: 1 }).scores, plain.scores) > 1e-3, 'the scale made no difference: the comparison would not see it');
});

test('attendHeads over heads as an axis: the same as each head alone (rank-3 scores), a mask\'s terms give the mask\'s bits, one query position merges as many', () => {
  const [b, h, tq, tv, k] = [2, 3, 4, 5, 2];
  const q = tf.randomNormal([b, h, tq, k], 0, 1, 'float32', 5) as tf.Tensor4D;
  const kk = tf.randomNormal([b, h, tv, k], 0, 1, 'float32', 6) as tf.Tensor4D;
  const v = tf.randomNormal([b, h, tv, k], 0, 1, 'float32', 7) as tf.Tensor4D;
  const wo = tf.randomNormal([h, k, 6], 0, 1, 'float32', 8);
  const mask = tf.tensor3d([[[1, 1, 1, 0, 0]], [[1, 1, 1, 1, 1]]]).cast('bool'); // [b, 1, Tv]
  const full = attendHeads(q, kk, v, wo, undefined, mask);
  for (let i = 0; i < h; i++) {
    const one = (t: tf.Tensor4D) => t.slice([0, i, 0, 0], [-1, 1, -1, -1]).squeeze([1]) as tf.Tensor3D;
    const byHand = tf.softmax(tf.add(tf.div(dotScore(one(q), one(kk)), Math.sqrt(k)), tf.mul(tf.sub(1, mask.cast('float32')), -1e9))); // [b, Tq, Tv]
    assert.ok(maxDiff(full.scores.slice([0, i, 0, 0], [-1, 1, -1, -1]).squeeze([1]), byHand) < 1e-6, `head ${i}`);
  }
  const terms = softmaxMaskTerms(mask.expandDims(1)); // [b, 1, 1, Tv]: the per-head shape
  const viaTerms = attendHeads(q, kk, v, wo.reshape([h * k, 6]), undefined, terms); // and the output kernel as [h·k, out]
  assert.equal(maxDiff(viaTerms.output, full.output), 0);
  assert.equal(maxDiff(viaTerms.scores, full.scores), 0);
  for (let t = 0; t < tq; t++) {
    const step = attendHeads(q.slice([0, 0, t, 0], [-1, -1, 1, -1]), kk, v, wo, undefined, mask); // one query position: merged by a reshape
    assert.ok(maxDiff(step.output, full.output.slice([0, t, 0], [-1, 1, -1])) < 1e-6, `position ${t}`);
  }
  assert.throws(() => attendHeads(q, kk, v, wo, undefined, tf.ones([b, h + 1, tq, tv], 'bool')), /attendHeads: mask must have shape \[batch, Tq, Tv\] = \[2, 4, 5\] or \[batch, heads, Tq, Tv\] = \[2, 3, 4, 5\]/);
  assert.throws(() => attendHeads(q, kk, v, tf.zeros([5, 6])), /attendHeads: outputKernel must have shape \[3, 2, out\] \(or \[6, out\]\), received \[5, /);
});

test('cached and uncached step decoders agree to 1e-5 at every step, through beam reordering; no tensor leaks', () => {
  const model = new Transformer({ ...cfg, dropout: 0.1 });
  const b = makeBatch(examples);
  const before = tf.memory().numTensors;
  const fast = model.stepDecoder(b.source, b.sourceMask);
  const slow = model.stepDecoder(b.source, b.sourceMask, { cache: false });
  let sf = fast.init(3);
  let ss = slow.init(3);
  let prev = [1, 1, 1];
  let worst = 0;
  for (let t = 0; t < 8; t++) {
    const p = tf.tensor1d(prev, 'int32');
    const a = fast.step(p, sf);
    const c = slow.step(p, ss);
    worst = Math.max(worst, maxDiff(a.logProbs, c.logProbs), maxDiff(a.attention!, c.attention!));
    fast.dispose(sf);
    slow.dispose(ss);
    // reorder the rows as beam search does (repeats allowed)
    const order = t % 2 ? [2, 0, 0] : [1, 2, 0];
    sf = fast.select(a.state, order);
    ss = slow.select(c.state, order);
    fast.dispose(a.state);
    slow.dispose(c.state);
    prev = order.map((i) => (i + t + 4) % 11);
    tf.dispose([p, a.logProbs, a.attention!, c.logProbs, c.attention!]);
  }
  fast.dispose(sf);
  slow.dispose(ss);
  console.log(`cached vs uncached: worst |Δ log p| or |Δ attention| over 8 steps = ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-5, `cached and uncached differ by ${worst}`);
  assert.equal(tf.memory().numTensors, before, 'decoding leaked tensors');

  const g1 = greedyDecode(fast, 3, { maxLength: 12 });
  const g2 = greedyDecode(slow, 3, { maxLength: 12 });
  const s1 = sampleDecode(fast, 3, { maxLength: 12, temperature: 1, seed: 4 });
  const s2 = sampleDecode(slow, 3, { maxLength: 12, temperature: 1, seed: 4 });
  const b1 = beamSearch(fast, 3, { width: 3, maxLength: 12 });
  const b2 = beamSearch(slow, 3, { width: 3, maxLength: 12 });
  for (const [x, y] of [[g1, g2], [s1, s2], [b1, b2]]) {
    x.forEach((d, i) => {
      assert.deepEqual(d.tokens, y[i].tokens);
      assert.ok(Math.abs(d.score - y[i].score) < 1e-5, `scores ${d.score} vs ${y[i].score}`);
      assert.equal(d.attention!.length, y[i].attention!.length);
    });
  }
  assert.ok(g1.some((d) => d.tokens.length > 2), 'the random model stopped at once: the comparison would be empty');
  // states share the source's tensors and the step weights by count: a second dispose is a no-op, a disposed state is refused
  const [ones, next] = [tf.tensor1d([1, 1, 1], 'int32'), tf.tensor1d([4, 5, 6], 'int32')];
  const a0 = fast.init(3);
  const a1 = fast.step(ones, a0);
  fast.dispose(a0);
  fast.dispose(a0);
  assert.throws(() => fast.step(ones, a0), /stepDecoder.step: the state was disposed/);
  const a2 = fast.step(next, a1.state); // the source's tensors and the step weights outlive a0: a1 holds them
  const r0 = slow.init(3);
  const r1 = slow.step(ones, r0);
  const r2 = slow.step(next, r1.state);
  assert.ok(maxDiff(a2.logProbs, r2.logProbs) < 1e-5, 'a step after its ancestor was disposed differs from the uncached one');
  for (const st of [a1.state, a2.state]) fast.dispose(st);
  for (const st of [r0, r1.state, r2.state]) slow.dispose(st);
  tf.dispose([ones, next, ...[a1, a2, r1, r2].flatMap((o) => [o.logProbs, o.attention!])]);
  assert.equal(tf.memory().numTensors, before, 'greedy, sampling or beam decoding leaked tensors');
  disposeBatch(b);
  model.dispose();
});

test('cached decoding of sources without padding builds no cross-attention mask and still agrees with uncached to 1e-5; with padding it keeps the mask', () => {
  const model = new Transformer(cfg);
  const even = makeBatch([{ source: [4, 5, 6, 7], target: [3] }, { source: [9, 10, 11, 12], target: [4] }]); // no padding
  const padded = makeBatch(examples);
  const before = tf.memory().numTensors;
  for (const [batch, hasMask] of [[even, false], [padded, true]] as const) {
    const n = batch.source.shape[0];
    const fast = model.stepDecoder(batch.source, batch.sourceMask);
    const slow = model.stepDecoder(batch.source, batch.sourceMask, { cache: false });
    let [sf, ss]: TransformerDecodeState[] = [fast.init(n), slow.init(n)];
    assert.equal(sf.source.tensors.crossMask !== undefined, hasMask, `cross-attention mask ${hasMask ? 'missing' : 'built'} for ${hasMask ? '' : 'un'}padded sources`);
    let worst = 0;
    for (let t = 0; t < 6; t++) {
      const p = tf.tensor1d(Array.from({ length: n }, (_, r) => (t === 0 ? 1 : 3 + ((t + r) % 8))), 'int32');
      const [a, c] = [fast.step(p, sf), slow.step(p, ss)];
      worst = Math.max(worst, maxDiff(a.logProbs, c.logProbs), maxDiff(a.attention!, c.attention!));
      fast.dispose(sf);
      slow.dispose(ss);
      [sf, ss] = [a.state, c.state];
      tf.dispose([p, a.logProbs, a.attention!, c.logProbs, c.attention!]);
    }
    fast.dispose(sf);
    slow.dispose(ss);
    assert.ok(worst < 1e-5, `${hasMask ? 'padded' : 'unpadded'}: cached and uncached differ by ${worst}`);
  }
  assert.equal(tf.memory().numTensors, before, 'decoding leaked tensors');
  disposeBatch(even);
  disposeBatch(padded);
  model.dispose();
});

test('greedy (cached) decoding reproduces the teacher-forced argmax at every position', () => {
  const model = new Transformer(cfg);
  const b = makeBatch(examples);
  const out = greedyDecode(model.stepDecoder(b.source, b.sourceMask), 3, { maxLength: 6 });
  // feed the greedy output back as targetIn: forward's argmax at each position must be the next greedy token
  const row = [1, ...out[0].tokens].slice(0, 6);
  const logits = model.forward(b.source.slice([0, 0], [1, -1]), b.sourceMask.slice([0, 0], [1, -1]), tf.tensor2d([row], undefined, 'int32')).logits;
  const argmax = (tf.argMax(logits, -1).arraySync() as number[][])[0];
  assert.deepEqual(argmax.slice(0, out[0].tokens.length), out[0].tokens.slice(0, row.length));
  disposeBatch(b);
  model.dispose();
});

test('measured (times logged, not asserted): per-step time vs prefix length, cached and uncached, batch 1 and 8; 2 + 2 layers, d 128, 4 heads; kernels per step (asserted)', () => {
  const model = new Transformer({ kind: 'transformer', sourceVocabSize: 40, targetVocabSize: 40, dModel: 128, numHeads: 4, ffDim: 512, encoderLayers: 2, decoderLayers: 2, dropout: 0, seed: 1 });
  const steps = 60;
  const kernels: number[] = []; // per step of the last perStep(…, count = true)
  const perStep = (b: number, cache: boolean, count = false): number[] => {
    const source = tf.tensor2d(Array.from({ length: b }, (_, r) => Array.from({ length: 20 }, (_, i) => 4 + ((i + r) % 30))), undefined, 'int32');
    const mask = tf.ones([b, 20], 'bool') as tf.Tensor2D;
    const dec = model.stepDecoder(source, mask, { cache });
    let s = dec.init(b);
    const ms: number[] = [];
    kernels.length = 0;
    for (let t = 0; t < steps; t++) {
      const prev = tf.tensor1d(Array.from({ length: b }, (_, r) => (t === 0 ? 1 : 4 + ((t + r) % 30))), 'int32'); // a fixed output: no early </s>
      const t0 = performance.now();
      const { result: out, kernels: k } = count ? countKernels(() => dec.step(prev, s)) : { result: dec.step(prev, s), kernels: 0 };
      out.logProbs.dataSync();
      ms.push(performance.now() - t0);
      kernels.push(k);
      dec.dispose(s);
      s = out.state;
      tf.dispose([prev, out.logProbs, out.attention!]);
    }
    dec.dispose(s);
    tf.dispose([source, mask]);
    return ms;
  };
  const mean = (a: number[], from: number, to: number) => a.slice(from, to).reduce((x, y) => x + y, 0) / (to - from);
  const total = (a: number[]) => a.slice(0, 30).reduce((x, y) => x + y, 0);
  // TensorFlow kernels per step at batch 1 (counted, not timed): the cached step's are the same at every prefix
  // after the first (which has no cache to append to); the uncached step's are the decoder's on the whole prefix.
  perStep(1, true, true);
  const [firstCached, ...cachedKernels] = kernels;
  perStep(1, false, true);
  const uncachedKernels = [...kernels];
  console.log(`kernels per step, batch 1: cached ${cachedKernels[0]} (${firstCached} at the first step), uncached ${uncachedKernels[0]} at prefix 1 and ${uncachedKernels[29]} at prefix 30`);
  assert.ok(cachedKernels.every((k) => k === cachedKernels[0]), `the cached step's kernels vary with the prefix: ${cachedKernels.join(', ')}`);
  assert.ok(cachedKernels[0] <= 77, `a cached step runs ${cachedKernels[0]} TensorFlow kernels (77 when this was written, 96 before)`);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  for (const b of [1, 8]) {
    perStep(b, true); // warm up the kernels
    perStep(b, false);
    // five alternating runs of each; the median 30-token total of each
    const runs = Array.from({ length: 5 }, () => [perStep(b, true), perStep(b, false)]);
    const [cached, uncached] = [0, 1].map((i) => runs.map((r) => r[i]).sort((x, y) => total(x) - total(y))[2]);
    for (const [from, to] of [[0, 10], [10, 20], [20, 30], [30, 40], [40, 50], [50, 60]]) {
      console.log(`batch ${b}, prefix ${String(from + 1).padStart(2)}–${to}: cached ${mean(cached, from, to).toFixed(2)} ms/step, uncached ${mean(uncached, from, to).toFixed(2)} ms/step`);
    }
    const [c, u] = [median(runs.map((r) => total(r[0]))), median(runs.map((r) => total(r[1])))];
    console.log(`batch ${b}, 30-token output (median of 5): cached ${c.toFixed(1)} ms, uncached ${u.toFixed(1)} ms, ${(u / c).toFixed(2)}× faster`);
  }
  model.dispose();
});
