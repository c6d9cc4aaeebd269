import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ShapeChecker, tf } from '../src';

test('ShapeChecker fixes each axis name on first use and names the tensor and axis on a mismatch', () => {
  const sc = new ShapeChecker();
  const x = tf.zeros([2, 5, 8]);
  assert.equal(sc.check(x, 'batch s units', 'encoder out'), x);
  sc.check(tf.zeros([2, 1, 5]), 'batch 1 s', 'scores');
  assert.throws(() => sc.check(tf.zeros([3, 8]), 'batch units', 'state'), /state axis 0 "batch" is 3, but "batch" was 2 before/);
  assert.throws(() => sc.check(tf.zeros([2, 2, 5]), 'batch 1 s', 'scores'), /scores axis 1 is 2, expected 1/);
  assert.throws(() => sc.check(tf.zeros([2, 5]), 'batch s units', 'x'), /x has shape \[2,5\] \(rank 2\), expected axes \(batch, s, units\)/);
});
