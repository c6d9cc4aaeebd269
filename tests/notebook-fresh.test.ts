// fresh(key, make): rerunning a notebook cell that builds a model or keeps tensors does not pile up memory.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { disposeDeep, fresh, MultiHeadAttention, Seq2Seq, tf } from '../src';

const cfg = { kind: 'bahdanau' as const, cell: 'gru' as const, encoder: 'rnn' as const, sourceVocabSize: 9, targetVocabSize: 7, embeddingDim: 4, units: 5, seed: 1 };

test('fresh: rebuilding a model under the same key disposes the previous one; tensor count stays put', () => {
  const before = tf.memory().numTensors;
  const first = fresh('test/model', () => new Seq2Seq(cfg));
  const afterFirst = tf.memory().numTensors;
  assert.ok(afterFirst > before);
  for (let i = 0; i < 3; i++) fresh('test/model', () => new Seq2Seq(cfg));
  assert.equal(tf.memory().numTensors, afterFirst);
  assert.equal(first.trainableVariables.length, 0, 'the first model was disposed');
  fresh('test/model', () => null); // frees the last one
  assert.equal(tf.memory().numTensors, before);
});

test('fresh: different keys are independent; the new value is returned as made', () => {
  const a = fresh('test/a', () => tf.ones([2]));
  const b = fresh('test/b', () => tf.zeros([3]));
  assert.equal(a.isDisposed, false);
  const a2 = fresh('test/a', () => tf.ones([4]));
  assert.equal(a.isDisposed, true);
  assert.equal(b.isDisposed, false);
  assert.deepEqual(a2.shape, [4]);
  disposeDeep([a2, b]);
  assert.ok(a2.isDisposed && b.isDisposed);
});

test('disposeDeep: tensors inside arrays, Maps and plain objects (a record of model bundles); other values untouched', () => {
  const before = tf.memory().numTensors;
  const vocab = { size: 3, tokens: ['a', 'b', 'c'] };
  const bundles = { x: { model: new Seq2Seq(cfg), vocab }, y: { model: new Seq2Seq({ ...cfg, kind: 'baseline' }), vocab } };
  const loose = [tf.scalar(1), new Map([['t', tf.ones([2, 2])]]), { deep: [tf.zeros([1])] }, 'text', 3];
  disposeDeep({ bundles, loose });
  disposeDeep({ bundles, loose }); // twice is harmless
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(vocab.tokens, ['a', 'b', 'c']);
});

test('disposeDeep: a built tfjs layer frees its weights; an unbuilt one is skipped', () => {
  const before = tf.memory().numTensors;
  const unbuilt = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
  disposeDeep(unbuilt);
  const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
  tf.tidy(() => {
    const x = tf.ones([1, 4, 6]);
    layer.apply([x, x]);
  });
  assert.ok(tf.memory().numTensors > before);
  disposeDeep(layer);
  disposeDeep(layer);
  assert.equal(tf.memory().numTensors, before);
});

test('fresh: when make() throws, the old value is still disposed and nothing is remembered', () => {
  const t = fresh('test/throws', () => tf.ones([1]));
  assert.throws(() => fresh('test/throws', () => { throw new Error('bad config'); }), /bad config/);
  assert.equal(t.isDisposed, true);
  const again = fresh('test/throws', () => tf.ones([1]));
  assert.equal(again.isDisposed, false);
  again.dispose();
});
