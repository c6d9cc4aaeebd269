// Every notebook in notebooks/ runs top to bottom through the real tslab kernel (nbclient from .venv), and then
// again in the same kernel, every code cell re-run in order: tf.memory().numTensors must be the same after the
// re-run as after the first run (a rerun cell must free what its previous run made). The chapters' claims are
// asserted inside their cells, so a regression fails here with the numbers. The executed copies (first run only)
// land in build/notebooks/ for inspection. Two notebooks run at a time (this machine's two cores; the library
// runs TensorFlow on one thread by default): no chapter asserts a timing that another kernel could upset, only
// ratios measured inside one notebook.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const notebooks = fs
  .readdirSync(path.join(ROOT, 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

test('there are notebooks to run', () => {
  assert.ok(notebooks.length > 0);
  assert.ok(fs.existsSync(PYTHON), `${PYTHON} is missing: run npm install`);
});

/** Runs one notebook through scripts/run_notebook.py: its exit status and output. */
function runNotebook(nb: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      PYTHON,
      [path.join(ROOT, 'scripts', 'run_notebook.py'), path.join(ROOT, 'notebooks', nb), '--out', path.join(ROOT, 'build', 'notebooks', nb)],
      { cwd: ROOT, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
    );
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('every notebook runs top to bottom in the tslab kernel, and a re-run of every cell keeps the tensor count', { concurrency: 2 }, async (t) => {
  await Promise.all(notebooks.map((nb) =>
    t.test(`notebook ${nb}`, { timeout: 20 * 60_000 }, async () => {
      const r = await runNotebook(nb);
      // "NN-name.ipynb: K code cells in S s, re-run in R s; tf.memory().numTensors N after the first run, M after the re-run"
      console.log(r.stdout.trim());
      assert.equal(r.status, 0, `${nb} failed:\n${r.stderr}`);
      assert.match(r.stdout, /numTensors (\d+) after the first run, \1 after the re-run/, `${nb}: no tensor counts in the output:\n${r.stdout}`);
    }),
  ));
});
