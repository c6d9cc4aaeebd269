// npm run bench: milliseconds per training step of the reference attention model (batch 64, source 20,
// target 12, vocab 40, embedding 64, GRU 128, additive attention 128, masked loss, Adam, clipping at 5),
// all rows in one run, each in its own process:
//   - the trainer with the autodiff step (tf.variableGrads) and with the fast BPTT step (src/train/fast),
//     each at the library's one intra-op thread and with TensorFlow's pool on all cores;
//   - Keras 3 with tf.function (when .venv has tensorflow: npm run fixtures:keras installs it);
//   - the pure-JS cpu backend (a few steps only: it is ~30× slower).
// Then the Transformer (src/transformer; 2 + 2 layers, d 128, 4 heads, feed-forward 512, dropout 0.1) on the
// same batch, lengths and vocabularies: the trainer's autodiff step (the fast step does not cover it) at one
// intra-op thread and on all cores, and the same model in Keras (scripts/bench_keras.py transformer).
// Every row trains through `train()` with one optimizer across all its steps; the time of a step is the
// time between two of the trainer's progress calls (batching, forward, backward, clipping, Adam); the
// figure is the median after a warm-up. TensorFlow kernels and tensor uploads per step are counted by
// wrapping tfjs-node's native binding. Writes bench/results.md. A benchmark, not a test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const B = 64, S = 20, T = 12, V = 40, E = 64, U = 128;
/** The Transformer of the bench (and of issue 14's targets): the same in scripts/bench_keras.py. */
const TRANSFORMER = { kind: 'transformer', sourceVocabSize: V, targetVocabSize: V, dModel: 128, numHeads: 4, ffDim: 512, encoderLayers: 2, decoderLayers: 2, dropout: 0.1, seed: 1 } as const;
const WARMUP = 5;

interface Row {
  label: string;
  ms: number;
  steps: number;
  kernels?: number;
  uploads?: number;
  note?: string;
}

interface ChildArgs {
  model?: 'bahdanau' | 'transformer';
  backend: 'tensorflow' | 'cpu';
  step: 'autodiff' | 'fast';
  steps: number;
}

/** Runs in a child process: one configuration per process, so nothing carries over between rows. */
async function measure(a: ChildArgs): Promise<Omit<Row, 'label'>> {
  const aw = await import('../src');
  if (a.backend !== 'tensorflow') await aw.tf.setBackend(a.backend);
  // count every TensorFlow kernel and every upload the native binding sees (tfjs ops and direct calls alike)
  const counts = { kernels: 0, uploads: 0 };
  const backend = aw.tf.backend() as unknown as { binding?: object };
  const binding = backend.binding;
  if (binding) {
    const counted: Record<string, keyof typeof counts> = { executeOp: 'kernels', createTensor: 'uploads' };
    const wrapped = Object.create(binding) as Record<string, unknown>; // reads everything else from the binding
    for (const [name, key] of Object.entries(counted)) {
      const f = (binding as Record<string, (...args: unknown[]) => unknown>)[name];
      const value = (...args: unknown[]) => {
        counts[key]++;
        return f.apply(binding, args);
      };
      Object.defineProperty(wrapped, name, { value }); // the binding's own are read-only: shadow, don't assign
    }
    backend.binding = wrapped;
  }
  const n = WARMUP + a.steps;
  const examples = Array.from({ length: B * n }, (_, i) => ({
    source: Array.from({ length: S }, (_, j) => 4 + ((i * 7 + j * 13) % (V - 4))),
    target: Array.from({ length: T - 1 }, (_, j) => 4 + ((i * 5 + j * 11) % (V - 4))), // + </s> = 12 decoder steps
  }));
  const model = a.model === 'transformer'
    ? new aw.Transformer({ ...TRANSFORMER })
    : new aw.Seq2Seq({ kind: 'bahdanau', cell: 'gru', encoder: 'rnn', sourceVocabSize: V, targetVocabSize: V, embeddingDim: E, units: U, attentionUnits: U, seed: 1 });
  const marks: { t: number; kernels: number; uploads: number }[] = [];
  const mark = () => marks.push({ t: performance.now(), ...counts });
  const reporter = { start: mark, step: mark, epochEnd() {}, end() {} };
  const r = await aw.train(model, { train: examples }, { epochs: 1, batchSize: B, seed: 1, progress: reporter, clipNorm: 5, step: a.step, maxBatchesPerEpoch: n });
  if (r.step !== a.step) throw new Error(`asked for the ${a.step} step, the trainer ran ${r.step} (${r.stepReason})`);
  const per = marks.slice(WARMUP + 1).map((m, i) => ({ ms: m.t - marks[WARMUP + i].t, kernels: m.kernels - marks[WARMUP + i].kernels, uploads: m.uploads - marks[WARMUP + i].uploads }));
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return {
    ms: median(per.map((p) => p.ms)),
    steps: per.length,
    kernels: binding ? median(per.map((p) => p.kernels)) : undefined,
    uploads: binding ? median(per.map((p) => p.uploads)) : undefined,
  };
}

function child(label: string, a: ChildArgs, env: NodeJS.ProcessEnv = {}): Row {
  const r = spawnSync(process.execPath, [__filename, '--child', JSON.stringify(a)], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', ...env } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`bench (${label}) failed: ${r.stderr.split('\n').slice(-8).join('\n')}`);
  const row = { label, ...(JSON.parse(line) as Omit<Row, 'label'>) };
  console.log(`[bench] ${label}: ${row.ms.toFixed(1)} ms/step (median of ${row.steps})${row.kernels !== undefined ? `, ${row.kernels} kernels and ${row.uploads} uploads per step` : ''}`);
  return row;
}

function keras(steps: number, model: 'bahdanau' | 'transformer' = 'bahdanau'): Row | string {
  const python = path.join(ROOT, '.venv', 'bin', 'python');
  const probe = spawnSync(python, ['-c', 'import tensorflow'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'skipped: tensorflow is not in .venv (npm run fixtures:keras installs it)';
  const r = spawnSync(python, [path.join(ROOT, 'scripts', 'bench_keras.py'), String(steps), model], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return `failed: ${r.stderr.split('\n').slice(-3).join(' ')}`;
  const j = JSON.parse(line) as { msPerStep: number; steps: number; tensorflow: string; keras: string };
  const row = { label: `${model === 'transformer' ? 'Transformer, ' : ''}Keras ${j.keras} + tf.function (TensorFlow ${j.tensorflow})`, ms: j.msPerStep, steps: j.steps };
  console.log(`[bench] ${row.label}: ${row.ms.toFixed(1)} ms/step (median of ${row.steps})`);
  return row;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    console.log(JSON.stringify(await measure(JSON.parse(process.argv[3]) as ChildArgs)));
    return;
  }
  const steps = Number(process.env.AW_BENCH_STEPS ?? 40);
  console.log(`[bench] reference attention model: batch ${B}, source ${S}, target ${T}, vocab ${V}, embedding ${E}, GRU ${U}, additive attention ${U}; ${WARMUP} warm-up steps, then ${steps}`);
  // the library runs TensorFlow with one intra-op thread unless TF_NUM_INTRAOP_THREADS is set (src/tf-load.ts);
  // 0 gives TensorFlow's own choice (a pool over all cores)
  const library = { TF_NUM_INTRAOP_THREADS: '1' };
  const allCores = { TF_NUM_INTRAOP_THREADS: '0' };
  const autodiff = child('tfjs-node, autodiff step', { backend: 'tensorflow', step: 'autodiff', steps }, library);
  const autodiffAll = child('tfjs-node, autodiff step, intra-op pool on all cores', { backend: 'tensorflow', step: 'autodiff', steps }, allCores);
  const fast = child('tfjs-node, fast BPTT step', { backend: 'tensorflow', step: 'fast', steps }, library);
  const fastAll = child('tfjs-node, fast BPTT step, intra-op pool on all cores', { backend: 'tensorflow', step: 'fast', steps }, allCores);
  const k = keras(steps);
  const cpu = child('tfjs pure-JS cpu backend, autodiff step', { backend: 'cpu', step: 'autodiff', steps: 3 });
  const rows = [autodiff, autodiffAll, fast, fastAll, ...(typeof k === 'string' ? [] : [k]), cpu];
  const tfm = TRANSFORMER;
  console.log(`[bench] Transformer: ${tfm.encoderLayers} + ${tfm.decoderLayers} layers, d ${tfm.dModel}, ${tfm.numHeads} heads, feed-forward ${tfm.ffDim}, dropout ${tfm.dropout}; batch ${B}, source ${S}, target ${T}, vocab ${V}`);
  const tAutodiff = child('Transformer, tfjs-node, autodiff step', { model: 'transformer', backend: 'tensorflow', step: 'autodiff', steps }, library);
  const tAutodiffAll = child('Transformer, tfjs-node, autodiff step, intra-op pool on all cores', { model: 'transformer', backend: 'tensorflow', step: 'autodiff', steps }, allCores);
  const tk = keras(steps, 'transformer');
  const tRows = [tAutodiff, tAutodiffAll, ...(typeof tk === 'string' ? [] : [tk])];
  const tRef = typeof tk === 'string' ? undefined : tk.ms;
  const ref = typeof k === 'string' ? undefined : k.ms;
  const f = (x: number | undefined, d = 2) => (x === undefined ? '–' : x.toFixed(d));
  const md = `# Training-step benchmark

Reference attention model: batch ${B}, source length ${S}, target length ${T}, vocabulary ${V}, embedding ${E}, GRU ${U},
additive (Bahdanau) attention with ${U} units, masked loss, Adam, gradients clipped at norm 5. Milliseconds per
training step (batching, forward, backward, clipping, update) through the library's \`train()\` with one optimizer
across all steps: the median of the steps after ${WARMUP} warm-up steps, every row in its own process, all rows in
one run of \`npm run bench\`. tfjs-node rows run with the library's one intra-op thread (src/tf-load.ts) unless
they say "all cores" (TF_NUM_INTRAOP_THREADS=0, TensorFlow's own choice); Keras runs with TensorFlow's defaults.
Kernels and uploads: TensorFlow kernels executed and tensors uploaded per step, counted
at tfjs-node's native binding (tfjs ops and the fast step's direct calls alike).

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}.
${typeof k === 'string' ? `Keras: ${k}.\n` : ''}
| configuration | ms/step | × Keras | × autodiff step on all cores (the trainer before the fast step) | steps | kernels/step | uploads/step |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.label} | ${r.ms.toFixed(1)} | ${f(ref && r.ms / ref)} | ${f(r.ms / autodiffAll.ms)} | ${r.steps} | ${r.kernels ?? '–'} | ${r.uploads ?? '–'} |`).join('\n')}

Transformer (src/transformer, pre-LN): ${tfm.encoderLayers} encoder + ${tfm.decoderLayers} decoder layers, d ${tfm.dModel}, ${tfm.numHeads} heads, feed-forward ${tfm.ffDim},
sinusoidal positions, dropout ${tfm.dropout}; the same batch, lengths and vocabularies, masked loss, Adam, clipping at 5. The
library runs its autodiff step (the fast step covers the recurrent models only); Keras runs the same architecture
(keras.layers.MultiHeadAttention, LayerNormalization, Dense; scripts/bench_keras.py transformer).
${typeof tk === 'string' ? `Keras: ${tk}.\n` : ''}
| configuration | ms/step | × Keras | steps | kernels/step | uploads/step |
|---|---|---|---|---|---|
${tRows.map((r) => `| ${r.label} | ${r.ms.toFixed(1)} | ${f(tRef && r.ms / tRef)} | ${r.steps} | ${r.kernels ?? '–'} | ${r.uploads ?? '–'} |`).join('\n')}
`;
  fs.mkdirSync(path.join(ROOT, 'bench'), { recursive: true });
  const file = path.join(ROOT, 'bench', 'results.md');
  const notes = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n## ').slice(1) : []; // keep the hand-written sections
  fs.writeFileSync(file, md + notes.map((n) => `\n## ${n.trimEnd()}\n`).join(''));
  console.log(md);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
