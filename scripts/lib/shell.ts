// Small process helpers shared by the set-up, start and test scripts.
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root (this file runs compiled, from build/scripts/lib). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

export const VENV = path.join(ROOT, '.venv');
export const VENV_BIN = path.join(VENV, 'bin');
export const VENV_PYTHON = path.join(VENV_BIN, 'python');

/** The tslab package the kernel runs, and its command (the kernelspec starts it through scripts/kernel.ts). */
export const TSLAB_DIR = path.join(ROOT, 'node_modules', 'tslab');
export const TSLAB_BIN = path.join(TSLAB_DIR, 'bin', 'tslab');

/** A failure the user can act on: printed as a message, not a stack trace. */
export class SetupError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'SetupError';
  }
}

export function log(step: string, message: string): void {
  console.log(`[${step}] ${message}`);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/** Runs a program and captures its output (never throws on a non-zero exit). */
export function capture(cmd: string, args: string[], options: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error: r.error };
}

/**
 * Runs a program with its output shown to the user; throws SetupError with `what` and the
 * command line when it fails.
 */
export function run(what: string, cmd: string, args: string[], options: SpawnSyncOptions = {}): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) {
    throw new SetupError(`${what}: could not start \`${cmd}\` (${r.error.message})`);
  }
  if (r.status !== 0) {
    throw new SetupError(`${what} failed (exit ${r.status ?? r.signal}): ${[cmd, ...args].join(' ')}`);
  }
}

/** Path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Environment for child processes with the project's node_modules/.bin and .venv/bin first on PATH. */
export function projectEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const PATH = [path.join(ROOT, 'node_modules', '.bin'), VENV_BIN, process.env.PATH ?? ''].join(path.delimiter);
  return { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2', ...extra, PATH };
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
