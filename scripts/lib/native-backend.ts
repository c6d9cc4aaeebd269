// Makes @tensorflow/tfjs-node's native binding present, offline if need be.
//
// The normal path is tfjs-node's own install script: it downloads libtensorflow 2.9.1 and a prebuilt
// addon from Google storage. Where that host cannot be reached (this project's machines, many
// corporate networks) the same C API is taken from the PyPI wheel `tensorflow-cpu`, staged under the
// file names tfjs-node's scripts expect, and the addon is compiled against it. Extracted libraries and
// the compiled addon are cached outside the clone, so a second install neither downloads nor compiles.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pip } from './python-env';
import { capture, log, projectEnv, ROOT, run, seconds, SetupError, VENV_PYTHON, which } from './shell';

export const TF_WHEEL = { name: 'tensorflow-cpu', version: '2.21.0' } as const;
const TFJS_NODE_DIR = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-node');
const STEP = 'native backend';
/** Written into tfjs-node's deps/ when its contents came from the wheel. */
const STAGED_MARK = 'STAGED_FROM_WHEEL';

/** What tfjs-node's own scripts/deps-constants.js says about file names and places. */
interface DepsConstants {
  depsPath: string;
  depsLibPath: string;
  depsLibTensorFlowPath: string;
  depsLibTensorFlowFrameworkPath: string;
  destLibTensorFlowName: string;
  destLibTensorFlowFrameworkName: string;
}

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return process.env.AW_CACHE_DIR ?? path.join(base, 'attention-workbook');
}

export interface BackendProbe {
  ok: boolean;
  backend?: string;
  detail: string;
}

/** Loads tfjs-node in a fresh process and asks which backend it runs. */
export function probeBackend(): BackendProbe {
  const code =
    "const tf = require('@tensorflow/tfjs-node');" +
    'process.stdout.write(JSON.stringify({ backend: tf.getBackend(), version: tf.version }));';
  const r = capture(process.execPath, ['-e', code], { cwd: ROOT, env: projectEnv() });
  if (r.status !== 0) {
    const firstError = r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim().split('\n')[0];
    return { ok: false, detail: firstError ?? `exit ${r.status}` };
  }
  const { backend } = JSON.parse(r.stdout) as { backend: string };
  return { ok: backend === 'tensorflow', backend, detail: `backend ${backend}` };
}

/** Ensures the binding loads; chooses the download or the wheel path (AW_TFJS_SOURCE=auto|download|wheel). */
export function ensureNativeBackend(): void {
  const start = Date.now();
  const first = probeBackend();
  if (first.ok) {
    log(STEP, 'tfjs-node native binding present, backend "tensorflow" (nothing to do)');
    return;
  }
  if (!fs.existsSync(TFJS_NODE_DIR)) {
    throw new SetupError('node_modules/@tensorflow/tfjs-node is missing: run `npm install` first.');
  }
  const source = process.env.AW_TFJS_SOURCE ?? 'auto';
  if (!['auto', 'download', 'wheel'].includes(source)) {
    throw new SetupError(`AW_TFJS_SOURCE must be auto, download or wheel, not "${source}"`);
  }
  const staged = path.join(depsConstants().depsPath, STAGED_MARK);
  if (source !== 'wheel' && fs.existsSync(staged)) {
    log(STEP, `deps/ was staged from the wheel before (${fs.readFileSync(staged, 'utf8').trim()}); reusing it`);
  } else if (source !== 'wheel') {
    log(STEP, "trying tfjs-node's own install (downloads libtensorflow 2.9.1 from Google storage)");
    const r = tfjsNodeInstall('pipe');
    if (r.status === 0 && probeBackend().ok) {
      log(STEP, `installed by tfjs-node's own script in ${seconds(start)}`);
      return;
    }
    const why = (r.stderr + r.stdout).split('\n').find((l) => /ENOTFOUND|ECONN|ETIMEDOUT|Error/.test(l));
    log(STEP, `tfjs-node's download path failed${why ? `: ${why.trim()}` : ''}`);
    if (source === 'download') {
      throw new SetupError("tfjs-node's own install failed and AW_TFJS_SOURCE=download forbids the wheel path.");
    }
    log(STEP, `falling back to the C library inside the PyPI wheel ${TF_WHEEL.name}==${TF_WHEEL.version}`);
  }
  installFromWheel();
  const last = probeBackend();
  if (!last.ok) {
    throw new SetupError(
      `the native binding still does not load (${last.detail}).`,
      'Delete node_modules/@tensorflow/tfjs-node and the cache folder ' + cacheDir() + ', then run `npm install` again.',
    );
  }
  log(STEP, `ready in ${seconds(start)}: backend "tensorflow"`);
}

/** Where tfjs-node looks for its addon at run time (node-pre-gyp's choice of N-API version). */
function addonPath(): string {
  const preGyp = require(require.resolve('@mapbox/node-pre-gyp', { paths: [TFJS_NODE_DIR] })) as {
    find(packageJson: string): string;
  };
  return preGyp.find(path.join(TFJS_NODE_DIR, 'package.json'));
}

function depsConstants(): DepsConstants {
  return require(path.join(TFJS_NODE_DIR, 'scripts', 'deps-constants.js')) as DepsConstants;
}

/** Runs tfjs-node's scripts/install.js with node-gyp, node headers and node_modules/.bin in reach. */
function tfjsNodeInstall(stdio: 'pipe' | 'inherit') {
  const env = projectEnv();
  const nodeDir = path.resolve(path.dirname(process.execPath), '..');
  if (!env.npm_config_nodedir && fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) {
    env.npm_config_nodedir = nodeDir; // headers beside node: node-gyp then needs no download
  }
  const npmGyp = path.join(nodeDir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!env.npm_config_node_gyp && fs.existsSync(npmGyp)) env.npm_config_node_gyp = npmGyp;
  return capture(process.execPath, ['scripts/install.js'], { cwd: TFJS_NODE_DIR, env, stdio });
}

function installFromWheel(): void {
  if (os.platform() !== 'linux' || os.arch() !== 'x64') {
    throw new SetupError(
      `the ${TF_WHEEL.name} wheel path supports Linux x86_64 only (this is ${os.platform()} ${os.arch()}).`,
      "Let tfjs-node's own install reach storage.googleapis.com (proxy settings), or see the README.",
    );
  }
  const lib = ensureWheelLibrary();
  const dc = depsConstants();
  stageDeps(lib, dc);

  const addonFile = addonPath();
  const addonDir = path.dirname(addonFile);
  const pkg = JSON.parse(fs.readFileSync(path.join(TFJS_NODE_DIR, 'package.json'), 'utf8')) as { version: string };
  const cachedAddon = path.join(
    cacheDir(),
    'addons',
    `tfjs-node-${pkg.version}-napi${process.versions.napi}-${TF_WHEEL.name}-${TF_WHEEL.version}-${os.arch()}`,
    'tfjs_binding.node',
  );
  if (fs.existsSync(cachedAddon)) {
    fs.mkdirSync(addonDir, { recursive: true });
    fs.copyFileSync(cachedAddon, addonFile);
    if (probeBackend().ok) {
      log(STEP, `reused the compiled binding from the cache (${path.dirname(cachedAddon)})`);
      return;
    }
    log(STEP, 'the cached binding does not load; compiling afresh');
  }
  requireCompiler();
  const start = Date.now();
  log(STEP, 'compiling the tfjs-node binding against the wheel (about 20-40 s)');
  const r = tfjsNodeInstall('inherit');
  if (r.status !== 0 || !fs.existsSync(addonFile)) {
    throw new SetupError(
      `compiling the tfjs-node binding failed (exit ${r.status}).`,
      'The compiler output above names the missing header or library.',
    );
  }
  log(STEP, `compiled in ${seconds(start)}`);
  fs.mkdirSync(path.dirname(cachedAddon), { recursive: true });
  fs.copyFileSync(addonFile, cachedAddon);
}

/** The C++ compiler node-gyp will use, or a SetupError saying how to install one. */
export function requireCompiler(): string {
  const compiler = which('c++') ?? which('g++');
  if (!compiler) {
    throw new SetupError(
      'no C++ compiler found (c++ or g++ on PATH); the binding must be compiled against the wheel.',
      'Debian/Ubuntu: apt-get install g++ make python3',
    );
  }
  return compiler;
}

/** The C library and headers, extracted once from the wheel into the cache. Returns that folder. */
function ensureWheelLibrary(): string {
  const dir = path.join(cacheDir(), `libtensorflow-${TF_WHEEL.name}-${TF_WHEEL.version}`);
  const stamp = path.join(dir, '.complete');
  if (fs.existsSync(stamp)) {
    log(STEP, `using the cached C library in ${dir}`);
    return dir;
  }
  if (!fs.existsSync(VENV_PYTHON)) {
    throw new SetupError(`the project venv (${VENV_PYTHON}) is missing; it is made before this step.`);
  }
  const start = Date.now();
  const download = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-wheel-'));
  try {
    log(STEP, `downloading ${TF_WHEEL.name}==${TF_WHEEL.version} with pip (~270 MB, once)`);
    pip(VENV_PYTHON, ['download', '--no-deps', '--only-binary=:all:', '-d', download, `${TF_WHEEL.name}==${TF_WHEEL.version}`]);
    const wheel = fs.readdirSync(download).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new SetupError(`pip reported success but left no wheel in ${download}`);
    fs.rmSync(dir, { recursive: true, force: true });
    run('extracting the C library from the wheel', VENV_PYTHON, [
      path.join(ROOT, 'scripts', 'extract_libtensorflow.py'), path.join(download, wheel), dir,
    ]);
    fs.writeFileSync(stamp, `${TF_WHEEL.name}==${TF_WHEEL.version} from ${wheel}\n`);
    log(STEP, `C library extracted to ${dir} in ${seconds(start)}`);
    return dir;
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
}

/** Places the wheel's libraries and headers where tfjs-node's binding.gyp and install.js look. */
function stageDeps(lib: string, dc: DepsConstants): void {
  fs.rmSync(dc.depsPath, { recursive: true, force: true });
  fs.mkdirSync(dc.depsLibPath, { recursive: true });
  linkOrCopy(path.join(lib, 'lib', 'libtensorflow_cc.so.2'), dc.depsLibTensorFlowPath);
  linkOrCopy(path.join(lib, 'lib', 'libtensorflow_framework.so.2'), dc.depsLibTensorFlowFrameworkPath);
  const symlinks: Array<[string, string]> = [
    // link-time names (-ltensorflow, -ltensorflow_framework)
    [dc.destLibTensorFlowName, path.basename(dc.depsLibTensorFlowPath)],
    [dc.destLibTensorFlowFrameworkName, path.basename(dc.depsLibTensorFlowFrameworkPath)],
    // run-time names: the sonames the wheel's libraries carry, which the addon records as NEEDED
    ['libtensorflow_cc.so.2', path.basename(dc.depsLibTensorFlowPath)],
    ['libtensorflow_framework.so.2', path.basename(dc.depsLibTensorFlowFrameworkPath)],
  ];
  for (const [name, target] of symlinks) fs.symlinkSync(target, path.join(dc.depsLibPath, name));
  fs.cpSync(path.join(lib, 'include'), path.join(dc.depsPath, 'include'), { recursive: true });
  fs.writeFileSync(path.join(dc.depsPath, STAGED_MARK), `${TF_WHEEL.name}==${TF_WHEEL.version}\n`);
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to); // same file system: no second copy of ~850 MB
  } catch {
    fs.copyFileSync(from, to);
  }
}
