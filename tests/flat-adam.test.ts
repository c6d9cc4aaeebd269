// FlatAdam: tf.train.adam's numbers bit for bit, in a fixed number of kernels for all weights, its state round trip, errors, leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../src';
import { FlatAdam } from '../src/train/flat-adam';

const SHAPES = [[], [3], [4, 5], [2, 3, 4], [7]];

/** Weights of SHAPES under `prefix`, and a gradient function of the step (the same for both optimizers). */
function setup(prefix: string): { vars: tf.Variable[]; grads: (step: number) => tf.NamedTensorMap } {
  const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i), true, `${prefix}/w${i}`)));
  const grads = (step: number) => Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 1 + i, 'float32', 1 + 100 * step + i)])); // seed 0 would mean unseeded
  return { vars, grads };
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

test('FlatAdam moves every weight bit for bit as tf.train.adam, across learning-rate changes', () => {
  const before = tf.memory().numTensors;
  const a = setup('flat-adam-a');
  const b = setup('flat-adam-b');
  const flat = new FlatAdam(0.05, 0.9, 0.999);
  const ref = tf.train.adam(0.05, 0.9, 0.999);
  for (let step = 0; step < 6; step++) {
    if (step === 3) {
      (flat as unknown as { learningRate: number }).learningRate = 0.01;
      (ref as unknown as { learningRate: number }).learningRate = 0.01;
    }
    tf.tidy(() => {
      const ga = a.grads(step);
      flat.applyGradients(ga);
      // tfjs' type says NamedVariableMap; it reads tensors
      // the same gradient values under b's names
      ref.applyGradients(Object.fromEntries(b.vars.map((v, i) => [v.name, ga[a.vars[i].name]])) as tf.NamedTensorMap as never);
    });
  }
  a.vars.forEach((v, i) => {
    assert.deepEqual(bits(v), bits(b.vars[i]), `weight ${i} differs from tf.train.adam's`);
    const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(v, tf.randomNormal(v.shape, 0, 1, 'float32', 10 + i)))).dataSync()[0]);
    assert.ok(moved > 1e-3, `weight ${i} did not move`);
  });
  assert.equal(flat.iterations, 6);
  flat.dispose();
  ref.dispose();
  tf.dispose([...a.vars, ...b.vars]);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('FlatAdam runs a fixed number of kernels plus three per weight; tf.train.adam about fourteen per weight', async () => {
  const count = async (opt: tf.Optimizer, n: number) => {
    const vars = Array.from({ length: n }, (_, i) => tf.variable(tf.ones([4, 3]), true, `flat-adam-count-${n}-${opt.getClassName()}/w${i}`));
    const g = Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v)]));
    opt.applyGradients(g); // slots made
    const info = await tf.profile(() => opt.applyGradients(g));
    tf.dispose([...vars, ...Object.values(g)]);
    opt.dispose();
    return info.kernels.length;
  };
  const [flat10, flat40, ref10, ref40] = [await count(new FlatAdam(0.1), 10), await count(new FlatAdam(0.1), 40), await count(tf.train.adam(0.1), 10), await count(tf.train.adam(0.1), 40)];
  const perWeight = (flat40 - flat10) / 30;
  const refPerWeight = (ref40 - ref10) / 30;
  assert.ok(perWeight <= 3, `FlatAdam: ${perWeight} kernels per extra weight (${flat10} for 10, ${flat40} for 40)`);
  assert.ok(refPerWeight >= 10, `tf.train.adam: ${refPerWeight} kernels per extra weight`);
});

test('FlatAdam state: 2 steps, getState, a new optimizer setState, 2 more steps equal 4 steps bit for bit', () => {
  const before = tf.memory().numTensors;
  const a = setup('flat-adam-resume-a');
  const b = setup('flat-adam-resume-b');
  const straight = new FlatAdam(0.05);
  for (let s = 0; s < 4; s++) tf.tidy(() => straight.applyGradients(a.grads(s)));
  const first = new FlatAdam(0.05);
  const rename = (g: tf.NamedTensorMap) => Object.fromEntries(b.vars.map((v, i) => [v.name, g[a.vars[i].name]]));
  for (let s = 0; s < 2; s++) tf.tidy(() => first.applyGradients(rename(a.grads(s))));
  const state = first.getState();
  assert.deepEqual(state.moments.map((x) => x.m.shape), SHAPES);
  first.dispose();
  const second = new FlatAdam(0.05);
  second.setState(b.vars.map((v) => v.name), b.vars.map((v) => v.shape), state);
  assert.throws(() => second.setState(b.vars.map((v) => v.name), b.vars.map((v) => v.shape), state), /restore it before the first step/);
  tf.dispose([state.accBeta1, state.accBeta2, ...state.moments.flatMap((x) => [x.m, x.v])]);
  for (let s = 2; s < 4; s++) tf.tidy(() => second.applyGradients(rename(a.grads(s))));
  a.vars.forEach((v, i) => assert.deepEqual(bits(v), bits(b.vars[i]), `weight ${i}: resumed differs from straight`));
  assert.equal(second.iterations, 4);
  straight.dispose();
  second.dispose();
  tf.dispose([...a.vars, ...b.vars]);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('FlatAdam refuses other weights than its first, a gradient of the wrong shape, an unknown name, tfjs getWeights', async () => {
  const a = setup('flat-adam-errors');
  const opt = new FlatAdam(0.1);
  tf.tidy(() => opt.applyGradients(a.grads(0)));
  const g = a.grads(1);
  const fewer = { ...g };
  delete fewer[a.vars[4].name];
  assert.throws(() => opt.applyGradients(fewer), /FlatAdam: gradients for .*\(4\); this optimizer updates .*\(5\), always the same weights in the same order/);
  assert.throws(() => opt.applyGradients({ ...g, [a.vars[2].name]: tf.zeros([5, 4]) }), /the gradient of flat-adam-errors\/w2 has shape \[5,4\], the weight \[4,5\]/);
  assert.throws(() => opt.applyGradients({ 'no/such/weight': tf.zeros([1]) }), /no variable named "no\/such\/weight"/);
  await assert.rejects(opt.getWeights(), /use getState/);
  tf.dispose(Object.values(g));
  opt.dispose();
  tf.dispose(a.vars);
});
