// train's maxSeconds: a training-time budget that ends training after the step that reaches it.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Seq2Seq, tf, train, type Example } from '../src';

const data: Example[] = Array.from({ length: 40 }, (_, i) => ({ source: [4 + (i % 5), 4 + ((i * 3) % 5), 4 + ((i * 7) % 5)], target: [4 + ((i * 7) % 5), 4 + (i % 5)] }));
const cfg = { kind: 'luong' as const, cell: 'gru' as const, encoder: 'rnn' as const, sourceVocabSize: 9, targetVocabSize: 9, embeddingDim: 8, units: 16, seed: 7 };

/** A progress reporter that counts steps, and waits `ms` in each so that time passes predictably. */
function counter(ms = 0) {
  let steps = 0;
  const reporter = { start() {}, step() { steps++; const t = Date.now() + ms; while (Date.now() < t); }, epochEnd() {}, end() {} };
  return { reporter, steps: () => steps };
}

test('maxSeconds stops after the step that reaches the budget, logs the partial epoch and says so', async () => {
  const before = tf.memory().numTensors;
  const m = new Seq2Seq(cfg);
  const c = counter(30); // each step takes ≥ 30 ms: a budget of 0.1 s is reached by the 4th step at the latest
  const r = await train(m, { train: data, valid: data.slice(0, 8) }, { epochs: 5, batchSize: 4, seed: 1, maxSeconds: 0.1, progress: c.reporter });
  assert.equal(r.outOfTime, true);
  assert.ok(c.steps() >= 1 && c.steps() <= 4, `${c.steps()} steps for a 0.1 s budget at ≥ 30 ms a step (an epoch is 10)`);
  assert.equal(r.history.length, 1, 'one (partial) epoch logged');
  assert.ok(r.history[0].seconds >= 0.1 && r.history[0].valLoss !== undefined, `the partial epoch: ${JSON.stringify(r.history[0])}`);
  // a budget never reached changes nothing: all epochs, bit for bit the same losses as without it
  const [a, b] = [new Seq2Seq(cfg), new Seq2Seq(cfg)];
  const full = await train(a, { train: data }, { epochs: 2, batchSize: 8, seed: 1, progress: 'silent' });
  const roomy = await train(b, { train: data }, { epochs: 2, batchSize: 8, seed: 1, maxSeconds: 3600, progress: 'silent' });
  assert.equal(roomy.outOfTime, false);
  assert.deepEqual(roomy.history.map((h) => h.loss), full.history.map((h) => h.loss));
  [m, a, b].forEach((x) => x.dispose());
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('maxSeconds refuses bad values and checkpointDir', async () => {
  const m = new Seq2Seq(cfg);
  for (const v of [0, -1, Infinity, '10']) {
    await assert.rejects(train(m, { train: data }, { epochs: 1, batchSize: 8, seed: 1, maxSeconds: v as number, progress: 'silent' }), /train: maxSeconds must be a number > 0, not/);
  }
  await assert.rejects(train(m, { train: data }, { epochs: 1, batchSize: 8, seed: 1, maxSeconds: 10, checkpointDir: '/tmp/x', progress: 'silent' }), /maxSeconds and checkpointDir exclude each other/);
  m.dispose();
});
