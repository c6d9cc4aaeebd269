// Every notebook in notebooks/ runs top to bottom through the real tslab kernel (nbclient from .venv), and then
// again in the same kernel, every code cell re-run in order: tf.memory().numTensors must be the same after the
// re-run as after the first run (a rerun cell must free what its previous run made). The chapters' claims are
// asserted inside their cells, so a regression fails here with the numbers. The executed copies (first run only)
// land in build/notebooks/ for inspection.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
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

for (const nb of notebooks) {
  test(`notebook ${nb} runs top to bottom in the tslab kernel, and a re-run of every cell keeps the tensor count`, { timeout: 20 * 60_000 }, () => {
    const r = spawnSync(
      PYTHON,
      [path.join(ROOT, 'scripts', 'run_notebook.py'), path.join(ROOT, 'notebooks', nb), '--out', path.join(ROOT, 'build', 'notebooks', nb)],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
    );
    // "NN-name.ipynb: K code cells in S s, re-run in R s; tf.memory().numTensors N after the first run, M after the re-run"
    console.log(r.stdout.trim());
    assert.equal(r.status, 0, `${nb} failed:\n${r.stderr}`);
    assert.match(r.stdout, /numTensors (\d+) after the first run, \1 after the re-run/, `${nb}: no tensor counts in the output:\n${r.stdout}`);
  });
}
