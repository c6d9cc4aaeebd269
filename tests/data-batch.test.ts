// Padded batches, masks, teacher-forcing shift, bucketing, seeded order, no leaks.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BOS_ID, EOS_ID, batches, batchIndices, makeBatch, padSequences, tf, type Example } from '../src';

test('makeBatch pads to the longest, masks real tokens and shifts the target for teacher forcing', () => {
  const b = makeBatch([{ source: [5, 6, 7], target: [8] }, { source: [9], target: [10, 11] }]);
  assert.deepEqual(b.source.arraySync(), [[5, 6, 7], [9, 0, 0]]);
  assert.deepEqual(b.sourceMask.arraySync(), [[1, 1, 1], [1, 0, 0]]);
  assert.deepEqual(b.targetIn.arraySync(), [[BOS_ID, 8, 0], [BOS_ID, 10, 11]]);
  assert.deepEqual(b.targetOut.arraySync(), [[8, EOS_ID, 0], [10, 11, EOS_ID]]);
  assert.deepEqual(b.targetMask.arraySync(), [[1, 1, 0], [1, 1, 1]]);
  assert.equal(b.source.dtype, 'int32');
  assert.throws(() => makeBatch([{ source: [], target: [1] }]), /example 0 has an empty source/);
  assert.throws(() => padSequences([[1, 2, 3]], 2), /sequence 0 has 3 tokens, more than the length 2/);
});

const examples: Example[] = Array.from({ length: 200 }, (_, i) => ({ source: Array(1 + ((i * 7) % 23)).fill(4), target: [5] }));

test('batch order is reproducible per (seed, epoch) and differs between epochs', () => {
  const a = batchIndices(examples, { batchSize: 16, seed: 3, epoch: 0 });
  assert.deepEqual(a, batchIndices(examples, { batchSize: 16, seed: 3, epoch: 0 }));
  assert.notDeepEqual(a, batchIndices(examples, { batchSize: 16, seed: 3, epoch: 1 }));
  assert.deepEqual(a.flat().sort((x, y) => x - y), examples.map((_, i) => i));
  assert.throws(() => batchIndices(examples, { batchSize: 0, seed: 1 }), /batchSize must be a positive integer/);
});

test('bucketing by length wastes less padding than random batches', () => {
  const padding = (bucket: boolean) =>
    batchIndices(examples, { batchSize: 16, seed: 3, bucket }).reduce((acc, idx) => {
      const lens = idx.map((i) => examples[i].source.length);
      return acc + lens.reduce((s, l) => s + Math.max(...lens) - l, 0);
    }, 0);
  assert.ok(padding(true) < padding(false) / 2, `bucketed ${padding(true)} vs random ${padding(false)}`);
});

test('iterating batches leaks no tensors', () => {
  const before = tf.memory().numTensors;
  let seen = 0;
  for (const b of batches(examples, { batchSize: 32, seed: 1 })) seen += b.source.shape[0];
  assert.equal(seen, examples.length);
  assert.equal(tf.memory().numTensors, before);
});
