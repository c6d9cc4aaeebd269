// Writing a folder of files so that a crash at any moment leaves either the previous folder or the new
// one, never a mix: the files go into a temporary sibling folder (each fsynced), which is then renamed
// into place. Used by saveModel and the training checkpoints.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Test hooks (the crash tests pause or fail a save at these points); nothing in the library sets them.
 * `afterFile(name)` runs after each file is written and fsynced in the temporary folder; `afterBackup()`
 * runs after the old folder was moved aside and before the new one is renamed into place.
 */
export const atomicFolderHooks: { afterFile?: (name: string) => void; afterBackup?: () => void } = {};

/** Where the previous version of `dir` waits while a save replaces it. */
export function backupPath(dir: string): string {
  const abs = path.resolve(dir);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.previous`);
}

const tempPrefix = (abs: string) => `.${path.basename(abs)}.saving-`;

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finishes what an interrupted save left: when `dir` is missing but its previous version was moved aside
 * (a crash between the two renames), that version is put back. Returns a sentence saying so, or undefined.
 */
export function recoverFolder(dir: string): string | undefined {
  const abs = path.resolve(dir);
  const backup = backupPath(abs);
  if (!fs.existsSync(abs) && fs.existsSync(backup)) {
    fs.renameSync(backup, abs);
    return `${abs} was missing after an interrupted save; its previous version (${backup}) was put back`;
  }
  return undefined;
}

/**
 * Writes `files` (name → content) as the folder `dir`, atomically: a process killed at any point leaves
 * `dir` as it was before (or, killed between the two renames, its previous version beside it, which
 * `recoverFolder` and the next save put back). Other files already in `dir` are carried over. An existing
 * `dir` that is not empty must contain `marker` (a file this kind of save writes): a save never replaces a
 * folder that is not its own.
 */
export function writeFolderAtomically(dir: string, files: Record<string, string | Uint8Array>, opts: { marker: string; what: string }): void {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  recoverFolder(abs);
  if (fs.existsSync(abs)) {
    if (!fs.statSync(abs).isDirectory()) throw new Error(`${opts.what}: ${abs} exists and is not a folder`);
    if (fs.readdirSync(abs).length > 0 && !fs.existsSync(path.join(abs, opts.marker))) {
      throw new Error(`${opts.what}: ${abs} is a folder with other contents and no ${opts.marker}; it is not replaced (choose a new or empty folder)`);
    }
  }
  fs.mkdirSync(parent, { recursive: true });
  for (const e of fs.readdirSync(parent)) { // temporary folders of saves killed earlier
    const m = e.startsWith(tempPrefix(abs)) ? /^(\d+)-/.exec(e.slice(tempPrefix(abs).length)) : null;
    if (m && !alive(Number(m[1]))) fs.rmSync(path.join(parent, e), { recursive: true, force: true });
  }
  const tmp = path.join(parent, `${tempPrefix(abs)}${process.pid}-${Date.now()}`);
  const backup = backupPath(abs);
  fs.mkdirSync(tmp);
  try {
    for (const [name, content] of Object.entries(files)) {
      const fd = fs.openSync(path.join(tmp, name), 'w');
      try {
        fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      atomicFolderHooks.afterFile?.(name);
    }
    if (fs.existsSync(abs)) {
      for (const e of fs.readdirSync(abs)) if (!(e in files)) fs.cpSync(path.join(abs, e), path.join(tmp, e), { recursive: true });
    }
    fsyncPath(tmp);
    if (fs.existsSync(abs)) {
      fs.rmSync(backup, { recursive: true, force: true }); // only a finished save's leftover can be here (see recoverFolder)
      fs.renameSync(abs, backup);
      atomicFolderHooks.afterBackup?.();
      fs.renameSync(tmp, abs);
      fsyncPath(parent);
      fs.rmSync(backup, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, abs);
      fsyncPath(parent);
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    recoverFolder(abs);
    throw e;
  }
}
