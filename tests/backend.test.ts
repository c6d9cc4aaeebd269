import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { assertNativeBackend, backendReport, formatBackendReport, tf } from '../src';

const ROOT = path.resolve(__dirname, '..', '..');

test('the library runs on the native TensorFlow backend', () => {
  const r = assertNativeBackend();
  assert.equal(r.backend, 'tensorflow');
  assert.equal(r.native, true);
  assert.match(r.libtensorflow, /^\d+\.\d+/);
  assert.equal(r.tfjsNode, '4.22.0');
  assert.ok(r.cores >= 1);
  assert.match(formatBackendReport(r), /backend tensorflow \(native\)/);
});

test('a tensor computation on the native backend gives the hand-computed result', () => {
  const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])));
  assert.deepEqual(y.arraySync(), [[17], [39]]);
  y.dispose();
});

test('a report on a non-native backend says so, and assertNativeBackend throws', async () => {
  const saved = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    assert.equal(backendReport().native, false);
    assert.match(formatBackendReport(), /NOT NATIVE/);
    assert.throws(() => assertNativeBackend(), /running on the "cpu" backend.*npm install/s);
  } finally {
    await tf.setBackend(saved);
  }
});

test('`node -e` importing the library by name prints backend tensorflow', () => {
  const code = "const aw = require('attention-workbook'); console.log(aw.backendReport().backend)";
  const env = { ...process.env };
  delete env.TF_CPP_MIN_LOG_LEVEL;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'tensorflow');
});

test('TensorFlow runs ops on one intra-op thread unless TF_NUM_INTRAOP_THREADS says otherwise', () => {
  const code = "const aw = require('attention-workbook'); console.log(JSON.stringify([process.env.TF_NUM_INTRAOP_THREADS, aw.backendReport().intraOpThreads, aw.formatBackendReport()]))";
  const run = (value?: string) => {
    const env = { ...process.env };
    delete env.TF_NUM_INTRAOP_THREADS;
    if (value !== undefined) env.TF_NUM_INTRAOP_THREADS = value;
    const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as [string, string, string];
  };
  const [env1, report1, line1] = run();
  assert.deepEqual([env1, report1], ['1', '1'], 'set before the binding loads');
  assert.match(line1, /intra-op threads 1$/);
  assert.deepEqual(run('0').slice(0, 2), ['0', 'all cores'], "the user's own setting wins");
  assert.deepEqual(run('2').slice(0, 2), ['2', '2']);
});
