// Gradients of every score function (and the masked softmax) against central finite differences.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { additiveScore, dotScore, generalScore, maskedSoftmax, scaledDotScore, tf } from '../src';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function tensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/**
 * Checks d/dx_i of L = Σ f(xs) ⊙ R for every element of every input against
 * (L(x_i + ε) − L(x_i − ε)) / 2ε.
 */
function gradCheck(name: string, f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], eps = 1e-2, tol = 2e-3): void {
  const xs = shapes.map((s, i) => tensor(s, 100 + i));
  const out = f(...xs);
  const r = tensor(out.shape, 7);
  const loss = (...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), r)) as tf.Scalar;
  const analytic = tf.grads(loss)(xs).map((g) => g.dataSync());
  let worst = 0;
  xs.forEach((x, i) => {
    const base = Array.from(x.dataSync());
    for (let j = 0; j < base.length; j++) {
      const at = (d: number) => {
        const shifted = base.slice();
        shifted[j] += d;
        const args = xs.map((y, k) => (k === i ? tf.tensor(shifted, x.shape) : y));
        return tf.tidy(() => loss(...args).dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const diff = Math.abs(numeric - analytic[i][j]);
      worst = Math.max(worst, diff);
      assert.ok(diff <= tol * Math.max(1, Math.abs(numeric)), `${name}: input ${i} element ${j}: analytic ${analytic[i][j]} vs numeric ${numeric}`);
    }
  });
  assert.ok(worst < tol);
}

test('dotScore gradient matches finite differences', () => {
  gradCheck('dotScore', (q, k) => dotScore(q as tf.Tensor3D, k as tf.Tensor3D), [[2, 3, 4], [2, 5, 4]]);
});

test('scaledDotScore gradient matches finite differences', () => {
  gradCheck('scaledDotScore', (q, k) => scaledDotScore(q as tf.Tensor3D, k as tf.Tensor3D), [[2, 3, 4], [2, 5, 4]]);
});

test('generalScore gradient (query, keys and W) matches finite differences', () => {
  gradCheck('generalScore', (q, k, w) => generalScore(q as tf.Tensor3D, k as tf.Tensor3D, w as tf.Tensor2D), [[2, 3, 4], [2, 5, 3], [4, 3]]);
});

test('additiveScore gradient (projections, v and bias) matches finite differences', () => {
  gradCheck('additiveScore', (q, k, v, b) => additiveScore(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor1D, b as tf.Tensor1D), [[2, 3, 4], [2, 5, 4], [4], [4]]);
});

test('maskedSoftmax gradient matches finite differences with a mask that empties one row', () => {
  const mask = tf.tensor3d([[[1, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]], undefined, 'bool');
  gradCheck('maskedSoftmax', (e) => maskedSoftmax(tf.mul(e, 3), mask), [[1, 3, 4]]);
});
