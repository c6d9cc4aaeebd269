// `npm start`: JupyterLab from .venv on 127.0.0.1 with a token, opened on notebooks/, and
// `tsc --watch` keeping build/ (what notebooks import as 'attention-workbook') in step with src/.
//
//   npm start -- [--port 8888] [--token TOKEN] [--no-browser] [--no-watch] [--Class.trait=value ...]
//
// Options written as Jupyter traits (`--ServerApp.port_retries=5`, `--LabApp.expose_app_in_browser=True`) go to
// JupyterLab as they are.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectEnv, ROOT, VENV_BIN } from './lib/shell';

interface Options {
  port: number;
  token: string;
  browser: boolean;
  watch: boolean;
  /** `--Class.trait=value` options, passed to JupyterLab unchanged */
  jupyter: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    port: 8888,
    token: process.env.AW_JUPYTER_TOKEN ?? randomBytes(24).toString('hex'),
    browser: Boolean(process.env.DISPLAY) && !process.env.CI,
    watch: true,
    jupyter: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') o.port = Number(argv[++i]);
    else if (a === '--token') o.token = argv[++i] ?? '';
    else if (a === '--no-browser') o.browser = false;
    else if (a === '--no-watch') o.watch = false;
    else if (/^--[A-Z]\w*\.\w+=/.test(a)) o.jupyter.push(a);
    else throw new Error(`npm start: unknown option ${a} (try --port N, --token T, --no-browser, --no-watch, or a JupyterLab trait --Class.trait=value)`);
  }
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new Error('npm start: --port needs a number from 1 to 65535');
  if (o.token.length < 8) throw new Error('npm start: the token must have at least 8 characters');
  return o;
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const jupyter = path.join(VENV_BIN, 'jupyter');
  if (!fs.existsSync(jupyter)) {
    console.error(`[start] ${jupyter} is missing: run \`npm install\` first (it creates .venv with JupyterLab).`);
    process.exit(1);
  }
  const children: ChildProcess[] = [];
  const stopAll = (code: number) => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  if (o.watch) {
    const tsc = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    tsc.stdout?.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) console.log(`[tsc --watch] ${line}`);
    });
    children.push(tsc);
  }

  const args = [
    'lab',
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${o.port}`,
    '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${o.token}`,
    `--ServerApp.root_dir=${ROOT}`,
    '--LabApp.default_url=/lab/tree/notebooks/00-getting-started.ipynb',
  ];
  args.push(...o.jupyter);
  if (!o.browser) args.push('--no-browser');
  if (process.getuid?.() === 0) args.push('--allow-root'); // containers and CI run as root
  const lab = spawn(jupyter, args, { cwd: ROOT, stdio: 'inherit', env: projectEnv() });
  children.push(lab);
  console.log(`[start] JupyterLab: http://127.0.0.1:${o.port}/lab/tree/notebooks?token=${o.token}`);
  console.log(`[start] ${o.watch ? 'tsc --watch rebuilds src/ on save; restart the kernel to pick changes up. ' : ''}Ctrl+C stops.`);
  lab.on('exit', (code) => {
    if (code) console.error(`[start] JupyterLab exited with ${code} (is port ${o.port} taken? try: npm start -- --port ${o.port + 1})`);
    stopAll(code ?? 0);
  });
}

main();
