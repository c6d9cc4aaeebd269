// The project-local Python: .venv with pinned JupyterLab and nbclient, and the tslab kernel
// registered inside it (never in the user's global Jupyter).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { capture, log, ROOT, run, seconds, SetupError, TSLAB_BIN, VENV, VENV_PYTHON } from './shell';

const STEP = 'python';
const REQUIREMENTS = path.join(ROOT, 'requirements.txt');
const CONSTRAINTS = path.join(ROOT, 'requirements.lock');
const STAMP = path.join(VENV, '.attention-workbook-stamp');
export const KERNEL_DIR = path.join(VENV, 'share', 'jupyter', 'kernels', 'tslab');
/** JupyterLab reads `{sys.prefix}/share/jupyter/lab/settings/overrides.json` as the defaults of its settings. */
export const LAB_OVERRIDES = path.join(VENV, 'share', 'jupyter', 'lab', 'settings', 'overrides.json');

/**
 * The project's JupyterLab defaults. A first start of JupyterLab asks "Would you like to get notified about
 * official Jupyter news?" over the notebook; the workbook never fetches news or update checks, so it never asks.
 * A user can still change these in Settings → Settings Editor (their own settings win over these defaults).
 */
export const LAB_SETTINGS = {
  '@jupyterlab/apputils-extension:notification': { fetchNews: 'false', checkForUpdates: false },
};

/** The interpreter that makes the venv: $PYTHON, else python3; must be 3.10 or newer. */
export function basePython(): string {
  const python = process.env.PYTHON ?? 'python3';
  const r = capture(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
  if (r.error || r.status !== 0) {
    throw new SetupError(
      `Python was not found (tried \`${python}\`).`,
      'Install Python 3.10 or newer with venv support (Debian/Ubuntu: apt-get install python3 python3-venv), ' +
        'or point PYTHON at one: PYTHON=/path/to/python3 npm install',
    );
  }
  const [major, minor] = r.stdout.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 10)) {
    throw new SetupError(`\`${python}\` is Python ${r.stdout.trim()}; the workbook needs 3.10 or newer.`);
  }
  return python;
}

/** Runs `python -m pip ARGS`; a failure becomes a SetupError that says how to reach the index. */
export function pip(python: string, args: string[], env?: NodeJS.ProcessEnv): void {
  try {
    run(`pip ${args[0]}`, python, ['-m', 'pip', ...args, '--disable-pip-version-check'], env ? { env } : {});
  } catch (e) {
    throw new SetupError(
      (e as Error).message,
      'pip could not get the packages. Can it reach the package index? Behind a proxy set HTTPS_PROXY; ' +
        'for a mirror set PIP_INDEX_URL. Then run `npm install` again.',
    );
  }
}

function stampText(): string {
  const hash = createHash('sha256');
  for (const f of [REQUIREMENTS, CONSTRAINTS]) hash.update(fs.readFileSync(f));
  return hash.digest('hex');
}

export function ensureVenv(): void {
  const start = Date.now();
  if (!fs.existsSync(VENV_PYTHON)) {
    const python = basePython();
    log(STEP, `creating ${path.relative(ROOT, VENV)} with ${python}`);
    const r = capture(python, ['-m', 'venv', VENV]);
    if (r.status !== 0) {
      fs.rmSync(VENV, { recursive: true, force: true });
      throw new SetupError(
        `\`${python} -m venv\` failed: ${r.stderr.trim().split('\n').pop() ?? ''}`,
        'Debian/Ubuntu: apt-get install python3-venv',
      );
    }
  }
  const want = stampText();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === want) {
    log(STEP, '.venv is up to date with requirements.txt (nothing to do)');
  } else {
    log(STEP, 'installing JupyterLab, nbclient and plotly into .venv (pinned by requirements.lock)');
    pip(VENV_PYTHON, ['install', '--quiet', '-r', REQUIREMENTS, '-c', CONSTRAINTS]);
    fs.writeFileSync(STAMP, want);
    log(STEP, `.venv ready in ${seconds(start)}`);
  }
  registerKernel();
  writeLabSettings();
}

function writeLabSettings(): void {
  fs.mkdirSync(path.dirname(LAB_OVERRIDES), { recursive: true });
  fs.writeFileSync(LAB_OVERRIDES, JSON.stringify(LAB_SETTINGS, null, 2) + '\n');
  log(STEP, `JupyterLab settings (no news prompt) in ${path.relative(ROOT, LAB_OVERRIDES)}`);
}

/**
 * Writes the tslab kernelspec into .venv (what `tslab install --sys-prefix` writes), started through
 * scripts/kernel.ts with the node that ran the install, and TF_CPP_MIN_LOG_LEVEL=2 in its environment.
 */
function registerKernel(): void {
  if (!fs.existsSync(TSLAB_BIN)) throw new SetupError(`${TSLAB_BIN} is missing: run \`npm install\`.`);
  const wrapper = path.join(ROOT, 'build', 'scripts', 'kernel.js'); // runs tslab, quiets libtensorflow's start-up lines
  const spec = {
    argv: [process.execPath, wrapper, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab)',
    language: 'typescript',
    env: { TF_CPP_MIN_LOG_LEVEL: '2' },
  };
  fs.mkdirSync(KERNEL_DIR, { recursive: true });
  fs.writeFileSync(path.join(KERNEL_DIR, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  log(STEP, `tslab kernel registered in ${path.relative(ROOT, KERNEL_DIR)}`);
}
