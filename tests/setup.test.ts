// The set-up's promises that do not need a fresh machine to check: one tfjs-core, the kernel
// registered inside .venv, and clear messages for the broken cases (no Python, no package index,
// no C++ compiler).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { requireCompiler } from '../scripts/lib/native-backend';
import { basePython, KERNEL_DIR, pip } from '../scripts/lib/python-env';
import { ROOT, SetupError, VENV_PYTHON } from '../scripts/lib/shell';

function withEnv<T>(vars: Record<string, string | undefined>, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
  }
}

test('one @tensorflow/tfjs-core in the tree, and danfojs-node uses the root tfjs-node', () => {
  const cores: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === '.bin' || e.name === 'attention-workbook') continue;
      const p = path.join(dir, e.name);
      if (p.endsWith(path.join('@tensorflow', 'tfjs-core'))) cores.push(p);
      walk(p);
    }
  };
  walk(path.join(ROOT, 'node_modules'));
  assert.deepEqual(cores, [path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-core')]);
  const danfo = path.dirname(require.resolve('danfojs-node/package.json', { paths: [ROOT] }));
  assert.equal(
    require.resolve('@tensorflow/tfjs-node', { paths: [danfo] }),
    require.resolve('@tensorflow/tfjs-node', { paths: [ROOT] }),
  );
});

test('the tslab kernel is registered inside .venv and starts through the quieting launcher', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(KERNEL_DIR, 'kernel.json'), 'utf8'));
  assert.ok(KERNEL_DIR.startsWith(path.join(ROOT, '.venv')));
  assert.equal(spec.language, 'typescript');
  assert.equal(spec.argv[1], path.join(ROOT, 'build', 'scripts', 'kernel.js'));
  assert.ok(spec.argv.includes('{connection_file}'));
  assert.equal(spec.env.TF_CPP_MIN_LOG_LEVEL, '2');
});

test('no Python: the set-up says so and how to fix it', () => {
  withEnv({ PYTHON: '/nonexistent/python3' }, () => {
    assert.throws(basePython, (e: unknown) => {
      assert.ok(e instanceof SetupError);
      assert.match(e.message, /Python was not found \(tried `\/nonexistent\/python3`\)/);
      assert.match(e.hint ?? '', /python3-venv/);
      return true;
    });
  });
});

test('pip cannot reach the index: the set-up names pip and suggests proxy/mirror settings', { timeout: 120_000 }, () => {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-pip-'));
  const env = {
    ...process.env,
    PIP_CONFIG_FILE: '/dev/null', // ignore any machine-wide index, mirror or wheel folder
    PIP_NO_CACHE_DIR: '1',
    PIP_INDEX_URL: 'http://127.0.0.1:9/simple', // nothing listens on the discard port
    PIP_RETRIES: '0',
    PIP_TIMEOUT: '2',
  };
  try {
    assert.throws(
      () => pip(VENV_PYTHON, ['install', '--quiet', '--target', target, 'six==1.16.0'], env),
      (e: unknown) => e instanceof SetupError && /pip install failed/.test(e.message) && /HTTPS_PROXY.*PIP_INDEX_URL/.test(e.hint ?? ''),
    );
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
});

test('no C++ compiler: the set-up says which package to install', () => {
  withEnv({ PATH: '/nonexistent' }, () => {
    assert.throws(requireCompiler, (e: unknown) => e instanceof SetupError && /no C\+\+ compiler/.test(e.message) && /apt-get install g\+\+/.test(e.hint ?? ''));
  });
  assert.ok(requireCompiler().length > 0);
});
