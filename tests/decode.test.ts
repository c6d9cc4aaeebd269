// Decoding algorithms on hand-made distributions, and on a real (untrained) model.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { beamSearch, BOS_ID, EOS_ID, greedyDecode, sampleDecode, Seq2Seq, tf, type StepDecoder } from '../src';

/**
 * A Markov "model": p(next | previous token) from a table; state = the previous tokens [n, 1] (a
 * tensor, so select/dispose are exercised). Attention: a one-hot on the step number over 4 fake keys.
 */
function tableDecoder(table: Record<number, Record<number, number>>, V: number): StepDecoder<tf.Tensor2D> & { live: () => number } {
  let live = 0;
  const track = <T extends tf.Tensor>(t: T) => (live++, t);
  return {
    init: (n) => track(tf.fill([n, 1], BOS_ID, 'int32') as tf.Tensor2D),
    step: (prev, s) => {
      const rows = Array.from(prev.dataSync()).map((p) => Array.from({ length: V }, (_, v) => Math.log(table[p]?.[v] ?? 1e-9)));
      const steps = s.shape[1];
      return {
        logProbs: tf.tensor2d(rows),
        state: track(tf.concat([s, prev.reshape([-1, 1])], 1) as tf.Tensor2D),
        attention: tf.tensor2d(rows.map(() => [0, 1, 2, 3].map((j) => (j === (steps - 1) % 4 ? 1 : 0)))),
      };
    },
    select: (s, idx) => track(tf.gather(s, idx) as tf.Tensor2D),
    dispose: (s) => {
      live--;
      s.dispose();
    },
    live: () => live,
  };
}

const A = 3, B = 4, C = 5;
// greedy takes A (0.6) and then keeps choosing A (0.35 > EOS 0.3); beam finds B (0.4) then </s> (0.9)
const trap = { [BOS_ID]: { [A]: 0.6, [B]: 0.4 }, [A]: { [A]: 0.35, [B]: 0.35, [EOS_ID]: 0.3 }, [B]: { [EOS_ID]: 0.9, [A]: 0.05, [B]: 0.05 } };

test('greedy follows the locally best token and stops at maxLength without </s>', () => {
  const d = tableDecoder(trap, 5);
  const [g] = greedyDecode(d, 1, { maxLength: 3 });
  assert.deepEqual(g.tokens, [A, A, A]);
  assert.equal(g.finished, false);
  assert.ok(Math.abs(g.score - Math.log(0.6 * 0.35 * 0.35)) < 1e-5);
  assert.equal(g.attention!.length, 3);
  assert.equal(d.live(), 0, 'every state disposed');
});

test('beam search finds the more probable sequence that greedy misses', () => {
  const d = tableDecoder(trap, 5);
  const [b] = beamSearch(d, 1, { width: 2, maxLength: 3, alpha: 0 });
  assert.deepEqual(b.tokens, [B]);
  assert.equal(b.finished, true);
  assert.ok(Math.abs(b.score - Math.log(0.4 * 0.9)) < 1e-5);
  assert.ok(b.score > greedyDecode(tableDecoder(trap, 5), 1, { maxLength: 3 })[0].score);
  assert.equal(d.live(), 0);
});

test('beam width 1 equals greedy', () => {
  const g = greedyDecode(tableDecoder(trap, 5), 1, { maxLength: 4 })[0];
  const b = beamSearch(tableDecoder(trap, 5), 1, { width: 1, maxLength: 4 })[0];
  assert.deepEqual(b.tokens, g.tokens);
  assert.ok(Math.abs(b.score - g.score) < 1e-6);
});

test('length normalisation: alpha 0 prefers the short output, alpha 1 the longer one', () => {
  // [A] </s>: log(.98 · .368) ≈ -1.02 over 2 tokens;  [A B C] </s>: ≈ -1.32 over 4 tokens
  const table = { [BOS_ID]: { [A]: 0.98, [B]: 0.02 }, [A]: { [EOS_ID]: 0.368, [B]: 0.3, [C]: 0.332 }, [B]: { [C]: 0.95, [EOS_ID]: 0.05 }, [C]: { [EOS_ID]: 0.95, [A]: 0.05 } };
  assert.deepEqual(beamSearch(tableDecoder(table, 6), 1, { width: 3, maxLength: 5, alpha: 0 })[0].tokens, [A]);
  assert.deepEqual(beamSearch(tableDecoder(table, 6), 1, { width: 3, maxLength: 5, alpha: 1 })[0].tokens, [A, B, C]);
});

test('sampling is reproducible by seed, varies across seeds, and a tiny temperature is greedy', () => {
  const table = { [BOS_ID]: { [A]: 0.55, [B]: 0.45 }, [A]: { [A]: 0.5, [B]: 0.3, [EOS_ID]: 0.2 }, [B]: { [A]: 0.4, [B]: 0.3, [EOS_ID]: 0.3 } };
  const run = (seed: number, temperature = 1) => sampleDecode(tableDecoder(table, 5), 4, { maxLength: 8, temperature, seed }).map((d) => d.tokens.join(','));
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
  assert.deepEqual(run(3, 1e-4), greedyDecode(tableDecoder(table, 5), 4, { maxLength: 8 }).map((d) => d.tokens.join(',')));
  assert.throws(() => sampleDecode(tableDecoder(table, 5), 1, { maxLength: 2, temperature: 0, seed: 1 }), /temperature must be > 0/);
});

test('on a real model: greedy over a batch = beam width 1 per source, attention rows sum to 1, no leaks', () => {
  const model = new Seq2Seq({ kind: 'bahdanau', cell: 'gru', encoder: 'rnn', sourceVocabSize: 12, targetVocabSize: 9, embeddingDim: 8, units: 16, seed: 3 });
  const source = tf.tensor2d([[5, 6, 7, 8], [9, 10, 0, 0]], undefined, 'int32');
  const mask = tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]], undefined, 'bool');
  const before = tf.memory().numTensors;
  const g = greedyDecode(model.stepDecoder(source, mask), 2, { maxLength: 6 });
  const b = beamSearch(model.stepDecoder(source, mask), 2, { width: 1, maxLength: 6 });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(b.map((d) => d.tokens), g.map((d) => d.tokens));
  for (const d of g) {
    for (const row of d.attention!) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  }
  assert.deepEqual(g[1].attention![0].slice(2), [0, 0], 'no attention on padding');
  const wide = beamSearch(model.stepDecoder(source, mask), 2, { width: 4, maxLength: 6, alpha: 0 });
  wide.forEach((w, i) => assert.ok(w.score >= g[i].score - 1e-5 || !g[i].finished, 'a wider beam never finds a worse finished output'));
  model.dispose();
});
