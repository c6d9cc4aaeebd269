/// <reference lib="dom" />
// JupyterLab (started as `npm start` starts it) driven by headless Debian Chromium through playwright-core:
// the browser test and the README screenshot open notebooks the way a person does, and wait for what a
// person waits for: the notebook's kernel connected and idle.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM } from './chromium';
import { ROOT } from './shell';

export { CHROMIUM };


/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface KernelState {
  path?: string;
  ready?: boolean;
  name?: string;
  connection?: string;
  status?: string;
  runAllEnabled?: boolean;
}

/** The current notebook's kernel as JupyterLab sees it (the server runs with expose_app_in_browser). */
export function kernelState(page: Page): Promise<KernelState> {
  return page.evaluate(() => {
    type Kernel = { name: string; connectionStatus: string; status: string };
    type Panel = { context?: { path: string }; sessionContext?: { isReady: boolean; session?: { kernel?: Kernel | null } | null } };
    const app = (window as unknown as { jupyterapp?: { shell: { currentWidget: Panel | null }; commands: { isEnabled(id: string): boolean } } }).jupyterapp;
    const panel = app?.shell.currentWidget;
    const kernel = panel?.sessionContext?.session?.kernel;
    return {
      path: panel?.context?.path,
      ready: panel?.sessionContext?.isReady,
      name: kernel?.name,
      connection: kernel?.connectionStatus,
      status: kernel?.status,
      runAllEnabled: app?.commands.isEnabled('notebook:run-all-cells'),
    };
  });
}

/**
 * Waits until `notebook` (a path relative to the repository) is the current document and its kernel is
 * connected and idle, polling JupyterLab's own state; on a first start the page loads seconds before its
 * kernel connects, and a "Run All" before that sends nothing.
 */
export async function waitForKernel(page: Page, notebook: string, ms = 120_000): Promise<KernelState> {
  const deadline = Date.now() + ms;
  for (let k = await kernelState(page); ; k = await kernelState(page)) {
    if (k.path === notebook && k.ready === true && k.connection === 'connected' && k.status === 'idle' && k.runAllEnabled === true) return k;
    if (Date.now() > deadline) throw new Error(`${notebook}: the kernel did not become connected and idle in ${ms / 1000} s: ${JSON.stringify(k)}`);
    await page.waitForTimeout(100); // poll interval
  }
}

export interface Lab {
  base: string;
  token: string;
  browser: Browser;
  /** what JupyterLab printed so far */
  log(): string;
  /** opens a notebook (path relative to the repository) and waits for its kernel */
  open(notebook: string, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts JupyterLab through build/scripts/start.js on a free port, and headless Chromium. */
export async function startLab(): Promise<Lab> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: npm install installs it with apt when run as root; otherwise apt-get install chromium (or set AW_CHROMIUM)`);
  }
  const { chromium } = await import('playwright-core');
  const port = await freePort();
  const token = `lab-${process.pid}-${port}`;
  // a workspace of its own: JupyterLab restores the last layout (open tabs, scroll) from its workspace file
  const workspaces = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-lab-workspaces-'));
  const server: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'build', 'scripts', 'start.js'), '--port', String(port), '--token', token, '--no-browser', '--no-watch', '--LabApp.expose_app_in_browser=True', `--LabApp.workspaces_dir=${workspaces}`],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // own process group: stopped as a whole
  );
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const exited = new Promise((r) => server.on('exit', r));
  const stop = async () => {
    if (server.exitCode === null) process.kill(-server.pid!, 'SIGTERM');
    await exited;
    fs.rmSync(workspaces, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  let browser: Browser;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` } }).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 120 || server.exitCode !== null) throw new Error(`JupyterLab did not start (or did not answer with its token) in 60 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  } catch (e) {
    await stop(); // never leave the server's process group running
    throw e;
  }
  return {
    base,
    token,
    browser,
    log: () => log,
    async open(notebook, viewport = { width: 1280, height: 1600 }) {
      const page = await browser.newPage({ viewport });
      await page.goto(`${base}/lab/tree/${notebook}?token=${token}`);
      await page.waitForSelector('.jp-Notebook .jp-Cell', { state: 'attached', timeout: 60_000 });
      await waitForKernel(page, notebook);
      return page;
    },
    async close() {
      await browser.close();
      await stop();
    },
  };
}
