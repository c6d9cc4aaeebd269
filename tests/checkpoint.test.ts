// Crash-safe saves (a killed or failing save leaves the previous model loadable) and exact resume.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { charTokenizer, loadModel, saveModel, Seq2Seq, tf, train, Transformer, Vocabulary, type Example, type ModelBundle, type Seq2SeqModel, type TrainConfig } from '../src';
import { atomicFolderHooks } from '../src/atomic-folder';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aw-ckpt-'));
const values = (m: Seq2SeqModel) => Object.fromEntries(m.weights.entries().map(([n, v]) => [n, Array.from(v.dataSync())]));

const vocab = Vocabulary.build([['a', 'b', 'c', 'd', 'e']]);
const cfg = { kind: 'bahdanau' as const, cell: 'gru' as const, encoder: 'rnn' as const, sourceVocabSize: vocab.size, targetVocabSize: vocab.size, embeddingDim: 6, units: 8, seed: 1 };
const bundle = (seed: number): ModelBundle => ({ model: new Seq2Seq({ ...cfg, seed }), sourceVocab: vocab, targetVocab: vocab, sourceTokenizer: charTokenizer(), targetTokenizer: charTokenizer() });

test('saveModel replaces the folder whole; a save failing between its two files leaves the previous model, and no temporary folder', async () => {
  const parent = tmp();
  const dir = path.join(parent, 'm');
  const a = bundle(1);
  const b = bundle(2);
  await saveModel(dir, a);
  fs.writeFileSync(path.join(dir, 'report.json'), '{}'); // a file of the caller's: carried over by every save
  atomicFolderHooks.afterFile = (name) => {
    throw new Error(`injected failure after ${name}`);
  };
  try {
    await assert.rejects(saveModel(dir, b), /injected failure after weights.bin/);
  } finally {
    delete atomicFolderHooks.afterFile;
  }
  const loaded = await loadModel(dir);
  assert.deepEqual(values(loaded.model), values(a.model), 'the failed save changed the saved weights');
  assert.deepEqual(fs.readdirSync(parent), ['m']);
  await saveModel(dir, b);
  const again = await loadModel(dir);
  assert.deepEqual(values(again.model), values(b.model));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'report.json', 'weights.bin']);
  assert.deepEqual(fs.readdirSync(parent), ['m']);
  // a folder that is not a model folder is never replaced
  const other = path.join(parent, 'notes');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'todo.txt'), 'keep me');
  await assert.rejects(saveModel(other, a), /notes is a folder with other contents and no model.json; it is not replaced/);
  assert.equal(fs.readFileSync(path.join(other, 'todo.txt'), 'utf8'), 'keep me');
  for (const m of [a.model, b.model, loaded.model, again.model]) m.dispose();
});

test('a corrupt model folder is refused, naming the file and what differs', async () => {
  const dir = path.join(tmp(), 'm');
  const a = bundle(1);
  await saveModel(dir, a);
  a.model.dispose();
  const bin = path.join(dir, 'weights.bin');
  const bytes = fs.readFileSync(bin);
  fs.writeFileSync(bin, bytes.subarray(0, bytes.length - 8));
  await assert.rejects(loadModel(dir), new RegExp(`weights.bin has ${bytes.length - 8} bytes; the manifest in .*model.json expects ${bytes.length}`));
  const flipped = Buffer.from(bytes);
  flipped[10] ^= 1;
  fs.writeFileSync(bin, flipped);
  await assert.rejects(loadModel(dir), /weights.bin has SHA-256 [0-9a-f]{64}, .*model.json records [0-9a-f]{64}: the weights are corrupt/);
  fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": {"format": "attention');
  await assert.rejects(loadModel(dir), /model.json is not valid JSON/);
});

/** Runs a child that saves model seed 2 over `dir` and pauses at `hook`; kills it there with SIGKILL. */
async function killDuringSave(dir: string, hook: 'afterFile' | 'afterBackup'): Promise<void> {
  const build = path.resolve(__dirname, '..', 'src');
  const script = `
    const { charTokenizer, saveModel, Seq2Seq, Vocabulary } = require(${JSON.stringify(path.join(build, 'index.js'))});
    const { atomicFolderHooks } = require(${JSON.stringify(path.join(build, 'atomic-folder.js'))});
    const fs = require('node:fs');
    const pause = (what) => { fs.writeSync(1, 'paused ' + what + '\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); };
    atomicFolderHooks.${hook} = ${hook === 'afterFile' ? '(name) => pause(name)' : '() => pause("after backup")'};
    const vocab = Vocabulary.build([['a', 'b', 'c', 'd', 'e']]);
    const cfg = ${JSON.stringify(cfg)};
    saveModel(${JSON.stringify(dir)}, { model: new Seq2Seq({ ...cfg, seed: 2 }), sourceVocab: vocab, targetVocab: vocab, sourceTokenizer: charTokenizer(), targetTokenizer: charTokenizer() });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('paused')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`the child ended before pausing: ${out} ${err}`)));
  });
  await new Promise((r) => child.once('exit', r));
  assert.match(out, hook === 'afterFile' ? /paused weights.bin/ : /paused after backup/);
}

test('a process killed mid-save (SIGKILL between the two files, or between the renames) leaves the previous model loadable', async () => {
  for (const hook of ['afterFile', 'afterBackup'] as const) {
    const parent = tmp();
    const dir = path.join(parent, 'm');
    const a = bundle(1);
    await saveModel(dir, a);
    await killDuringSave(dir, hook);
    if (hook === 'afterFile') assert.ok(fs.readdirSync(parent).some((e) => e.startsWith('.m.saving-')), 'the killed save left its temporary folder');
    else assert.deepEqual(fs.readdirSync(parent).filter((e) => !e.startsWith('.m.saving-')), ['.m.previous'], 'killed between the renames: only the previous version is there');
    const loaded = await loadModel(dir); // after the renames' kill, this puts the previous version back
    assert.deepEqual(values(loaded.model), values(a.model), `${hook}: the previous model did not survive`);
    await saveModel(dir, a); // the next save clears the dead process's temporary folder
    assert.deepEqual(fs.readdirSync(parent), ['m']);
    a.model.dispose();
    loaded.model.dispose();
  }
});

// Exact resume: 2 epochs, then 2 more from the checkpoint, against 4 uninterrupted
const data: Example[] = Array.from({ length: 40 }, (_, i) => ({ source: [4 + (i % 5), 4 + ((i * 3) % 5), 4 + ((i * 7) % 5)], target: [4 + ((i * 7) % 5), 4 + (i % 5)] }));
const small = { kind: 'luong' as const, cell: 'gru' as const, encoder: 'rnn' as const, sourceVocabSize: 9, targetVocabSize: 9, embeddingDim: 8, units: 16, seed: 7 };
const run = async (tc: TrainConfig, seed = 7) => {
  const m = new Seq2Seq({ ...small, seed });
  try {
    const r = await train(m, { train: data, valid: data.slice(0, 8) }, { progress: 'silent', ...tc });
    return { r, w: values(m) };
  } finally {
    m.dispose();
  }
};
const numbers = (r: { history: { loss: number; valLoss?: number; gradNorm: number; learningRate: number }[] }) => r.history.map((h) => [h.loss, h.valLoss!, h.gradNorm, h.learningRate]);

test('resume continues exactly: 2 epochs + 2 resumed = 4 uninterrupted, bit for bit (Adam and RMSprop, fast and autodiff step)', async () => {
  const before = tf.memory().numTensors;
  const variants: Partial<TrainConfig>[] = [{}, { optimizer: 'rmsprop' }, { step: 'autodiff' }, { learningRates: { output: 0.02 }, freeze: ['embeddings'] }];
  for (const v of variants) {
    const tc = { batchSize: 4, seed: 3, learningRate: 0.01, lrDecay: 0.7, ...v }; // 20 steps before the resume: float32 β2^t accumulated and pow(β2, t) differ from step 18 on
    const dir = path.join(tmp(), 'ckpt');
    const whole = await run({ ...tc, epochs: 4 });
    const first = await run({ ...tc, epochs: 2, checkpointDir: dir });
    assert.deepEqual(numbers(first.r), numbers(whole.r).slice(0, 2));
    const rest = await run({ ...tc, epochs: 4, resumeFrom: dir, checkpointDir: dir }, 99); // another seed: the weights must come from the checkpoint
    assert.equal(rest.r.resumedAt, 2);
    assert.equal(rest.r.step, whole.r.step);
    // tolerance 0: the checkpoint holds every number the run depends on (weights, moments, Adam's accumulated
    // β powers, step counts) bit for bit, the batch order comes from (seed, epoch), and the kernels are deterministic
    assert.deepEqual(numbers(rest.r), numbers(whole.r), `${JSON.stringify(v)}: resumed losses differ`);
    assert.deepEqual(rest.w, whole.w, `${JSON.stringify(v)}: resumed weights differ`);
    assert.equal(rest.r.bestEpoch, whole.r.bestEpoch);
  }
  assert.equal(tf.memory().numTensors, before, 'checkpointing or resuming leaked tensors');
});

test('a checkpoint from another model config, other settings or data, or a corrupt one, is refused, saying what differs', async () => {
  const dir = path.join(tmp(), 'ckpt');
  const tc = { batchSize: 8, seed: 3, epochs: 1, checkpointDir: dir };
  await run(tc);
  const before = tf.memory().numTensors;
  const m = new Seq2Seq({ ...small, units: 8 });
  await assert.rejects(train(m, { train: data }, { ...tc, epochs: 2, resumeFrom: dir, progress: 'silent' }), /was saved from another model config \(units: checkpoint 16, this model 8\)/);
  m.dispose();
  await assert.rejects(run({ ...tc, epochs: 2, seed: 4, resumeFrom: dir }), /trained with other settings.*\(seed: checkpoint 3, this run 4\)/);
  await assert.rejects(run({ ...tc, epochs: 2, lrDecay: 0.5, resumeFrom: dir }), /lrDecay: checkpoint 1, this run 0.5/);
  await assert.rejects(run({ ...tc, epochs: 2, warmup: 5, resumeFrom: dir }), /warmup: checkpoint null, this run 5/);
  await assert.rejects(run({ ...tc, epochs: 2, labelSmoothing: 0.1, resumeFrom: dir }), /labelSmoothing: checkpoint 0, this run 0.1/);
  await assert.rejects(run({ ...tc, epochs: 1, resumeFrom: dir }), /has 1 epochs done; ask for more epochs/);
  const other = new Seq2Seq(small);
  await assert.rejects(train(other, { train: data.slice(1) }, { ...tc, epochs: 2, resumeFrom: dir, progress: 'silent' }), /trained on other data \(40 training examples .*, this run has 39/);
  other.dispose();
  const bin = path.join(dir, 'checkpoint.bin');
  const bytes = fs.readFileSync(bin);
  bytes[100] ^= 4;
  fs.writeFileSync(bin, bytes);
  await assert.rejects(run({ ...tc, epochs: 2, resumeFrom: dir }), /checkpoint.bin has SHA-256 .* the checkpoint is corrupt/);
  fs.writeFileSync(bin, bytes.subarray(0, 64));
  await assert.rejects(run({ ...tc, epochs: 2, resumeFrom: dir }), /checkpoint.bin has 64 bytes; .*checkpoint.json expects/);
  await assert.rejects(run({ ...tc, epochs: 2, resumeFrom: path.join(dir, 'nothing') }), /no training checkpoint at/);
  assert.equal(tf.memory().numTensors, before, 'a refused resume leaked tensors');
});

test('a Transformer with dropout is refused a resume (its dropout masks are not in the checkpoint); with dropout 0 it resumes exactly', async () => {
  const dir = path.join(tmp(), 'ckpt');
  const cfg = (dropout: number) => ({ kind: 'transformer' as const, sourceVocabSize: 9, targetVocabSize: 9, dModel: 8, numHeads: 2, ffDim: 16, encoderLayers: 1, decoderLayers: 1, dropout, seed: 1 });
  const tc = { batchSize: 8, seed: 3, maxBatchesPerEpoch: 2, progress: 'silent' as const };
  const before = tf.memory().numTensors;
  for (const dropout of [0.1, 0]) {
    fs.rmSync(dir, { recursive: true, force: true });
    const a = new Transformer(cfg(dropout));
    const whole = await train(a, { train: data }, { ...tc, epochs: 2 });
    a.dispose();
    const b = new Transformer(cfg(dropout));
    await train(b, { train: data }, { ...tc, epochs: 1, checkpointDir: dir });
    const resume = train(b, { train: data }, { ...tc, epochs: 2, resumeFrom: dir });
    if (dropout > 0) {
      await assert.rejects(resume, /a Transformer with dropout 0.1 cannot continue exactly/);
    } else {
      assert.deepEqual((await resume).history.map((h) => h.loss), whole.history.map((h) => h.loss));
    }
    b.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
