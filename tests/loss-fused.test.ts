// fusedMaskedCrossEntropy (one TensorFlow kernel each way) against the readable maskedCrossEntropy: value and
// gradient, with and without label smoothing, padding ignored, errors, no leaks, fewer kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../src';
import { fusedMaskedCrossEntropy, maskedCrossEntropy } from '../src/train/loss';

const [B, T, V] = [3, 5, 11];

function inputs() {
  const z = tf.randomNormal([B, T, V], 0, 2, 'float32', 3) as tf.Tensor3D;
  const y = tf.tensor2d([[1, 2, 3, 0, 0], [4, 5, 6, 7, 10], [9, 0, 0, 0, 0]], [B, T], 'int32');
  const m = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], [B, T], 'bool');
  return { z, y, m };
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('fusedMaskedCrossEntropy equals maskedCrossEntropy in value and gradient (1e-5), with label smoothing 0, 0.1, 0.3', () => {
  const before = tf.memory().numTensors;
  const { z, y, m } = inputs();
  for (const eps of [0, 0.1, 0.3]) {
    tf.tidy(() => {
      const readable = tf.valueAndGrad((x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor3D, y, m, { labelSmoothing: eps }))(z);
      const fused = tf.valueAndGrad((x: tf.Tensor) => fusedMaskedCrossEntropy(x as tf.Tensor3D, y, m, { labelSmoothing: eps }))(z);
      const [r, f] = [readable.value.dataSync()[0], fused.value.dataSync()[0]];
      assert.ok(r > 0.5 && Math.abs(r - f) < 1e-5, `ε ${eps}: loss ${f}, readable ${r}`);
      assert.ok(maxDiff(readable.grad, fused.grad) < 1e-5, `ε ${eps}: gradients differ by ${maxDiff(readable.grad, fused.grad)}`);
      // padding positions (mask 0) get no gradient at all
      const padGrad = tf.sum(tf.abs(tf.mul(fused.grad, tf.expandDims(tf.logicalNot(m).cast('float32'), 2)))).dataSync()[0];
      assert.equal(padGrad, 0, `ε ${eps}: gradient on padding`);
    });
  }
  // a hand computation: one position, logits [0, ln 3] over 2 words, target 1: −log(3/4)
  tf.tidy(() => {
    const one = fusedMaskedCrossEntropy(tf.tensor3d([[[0, Math.log(3)]]]), tf.tensor2d([[1]], [1, 1], 'int32'), tf.tensor2d([[1]], [1, 1], 'bool'));
    assert.ok(Math.abs(one.dataSync()[0] + Math.log(3 / 4)) < 1e-6, `−log(3/4) = ${-Math.log(3 / 4)}, got ${one.dataSync()[0]}`);
  });
  tf.dispose([z, y, m]);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('fusedMaskedCrossEntropy runs fewer kernels than the readable loss, forward and backward', async () => {
  const { z, y, m } = inputs();
  const kernels = async (f: typeof maskedCrossEntropy) => (await tf.profile(() => { tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor3D, y, m))(z)); })).kernels.filter((k) => k.outputShapes.some((s) => s?.length === 3 && s[2] === V) || k.inputShapes.some((s) => s?.length === 3 && s[2] === V)).length;
  const [readable, fused] = [await kernels(maskedCrossEntropy), await kernels(fusedMaskedCrossEntropy)];
  assert.ok(fused < readable, `kernels touching [b, T, V]: fused ${fused}, readable ${readable}`);
  tf.dispose([z, y, m]);
});

test('fusedMaskedCrossEntropy refuses mismatched shapes and bad label smoothing', () => {
  const { z, y, m } = inputs();
  assert.throws(() => fusedMaskedCrossEntropy(z, tf.zeros([B, T + 1], 'int32') as tf.Tensor2D, m), /fusedMaskedCrossEntropy: logits \[3,5,11\] and targets \[3,6\] must agree on \[batch, T\]/);
  assert.throws(() => fusedMaskedCrossEntropy(z, y, m, { labelSmoothing: 1 }), /labelSmoothing must be in \[0, 1\), not 1/);
  tf.dispose([z, y, m]);
});
