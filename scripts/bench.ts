// npm run bench: milliseconds per training step of the reference attention model (batch 64, source 20,
// target 12, vocab 40, embedding 64, GRU 128, additive attention), measured in one run on
//   - tfjs-node (the native backend), - the pure-JS cpu backend, - Keras with tf.function (when the
// venv has tensorflow), and written to bench/results.md with the ratios. A benchmark, not a test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const B = 64, S = 20, T = 12, V = 40, E = 64, U = 128;

/** Runs in a child process: one backend per process, so nothing carries over between measurements. */
async function measure(backend: string, steps: number): Promise<number> {
  const aw = await import('../src');
  if (backend !== 'tensorflow') await aw.tf.setBackend(backend);
  const examples = Array.from({ length: B * (steps + 2) }, (_, i) => ({
    source: Array.from({ length: S }, (_, j) => 4 + ((i * 7 + j * 13) % (V - 4))),
    target: Array.from({ length: T - 1 }, (_, j) => 4 + ((i * 5 + j * 11) % (V - 4))), // + </s> = 12 decoder steps
  }));
  const model = new aw.Seq2Seq({ kind: 'bahdanau', cell: 'gru', encoder: 'rnn', sourceVocabSize: V, targetVocabSize: V, embeddingDim: E, units: U, attentionUnits: U, seed: 1 });
  await aw.train(model, { train: examples.slice(0, 2 * B) }, { epochs: 1, batchSize: B, seed: 1, progress: 'silent', clipNorm: 5 }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const r = await aw.train(model, { train: examples.slice((i + 2) * B, (i + 3) * B) }, { epochs: 1, batchSize: B, seed: 1, progress: 'silent', clipNorm: 5 });
    times.push(r.msPerStep);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function child(backend: string, steps: number): number {
  const r = spawnSync(process.execPath, [__filename, '--child', backend, String(steps)], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`bench (${backend}) failed: ${r.stderr.split('\n').slice(-5).join('\n')}`);
  return (JSON.parse(line) as { msPerStep: number }).msPerStep;
}

function keras(steps: number): { ms?: number; note: string } {
  const python = path.join(ROOT, '.venv', 'bin', 'python');
  const probe = spawnSync(python, ['-c', 'import tensorflow'], { encoding: 'utf8' });
  if (probe.status !== 0) return { note: 'skipped: tensorflow is not in .venv (npm run fixtures:keras installs it)' };
  const r = spawnSync(python, [path.join(ROOT, 'scripts', 'bench_keras.py'), String(steps)], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return { note: `failed: ${r.stderr.split('\n').slice(-3).join(' ')}` };
  const j = JSON.parse(line) as { msPerStep: number; tensorflow: string };
  return { ms: j.msPerStep, note: `TensorFlow ${j.tensorflow}, Keras tf.function` };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    console.log(JSON.stringify({ msPerStep: await measure(process.argv[3], Number(process.argv[4])) }));
    return;
  }
  console.log('[bench] reference attention model: batch 64, source 20, target 12, vocab 40, embedding 64, GRU 128, additive attention');
  const node = child('tensorflow', 20);
  console.log(`[bench] tfjs-node: ${node.toFixed(1)} ms/step`);
  const k = keras(20);
  console.log(`[bench] Keras: ${k.ms ? `${k.ms.toFixed(1)} ms/step` : k.note}`);
  const cpu = child('cpu', 3);
  console.log(`[bench] pure-JS cpu backend: ${cpu.toFixed(1)} ms/step`);
  const rows = [
    ['tfjs-node (native TensorFlow)', node.toFixed(1), k.ms ? (node / k.ms).toFixed(2) : '–', '1.00'],
    ...(k.ms ? [[`Keras + tf.function (${k.note.split(',')[0]})`, k.ms.toFixed(1), '1.00', (k.ms / node).toFixed(2)]] : []),
    ['tfjs pure-JS cpu backend', cpu.toFixed(1), k.ms ? (cpu / k.ms).toFixed(2) : '–', (cpu / node).toFixed(2)],
  ];
  const md = `# Training-step benchmark

Reference attention model: batch 64, source length 20, target length 12, vocabulary 40, embedding 64, GRU 128,
additive (Bahdanau) attention with 128 units, Adam, gradients clipped at norm 5. Median milliseconds per training
step (forward, backward, update), measured by \`npm run bench\` in one run, each backend in its own process.

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}.
Keras: ${k.note}.

| backend | ms/step | × Keras | × tfjs-node |
|---|---|---|---|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}
`;
  fs.mkdirSync(path.join(ROOT, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.md'), md);
  console.log(md);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
