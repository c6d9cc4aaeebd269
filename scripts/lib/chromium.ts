// Debian's Chromium for the real-browser test of the workbook (tests/browser.test.ts).
import * as fs from 'node:fs';
import { capture, log, run, SetupError, which } from './shell';

export const CHROMIUM = process.env.AW_CHROMIUM ?? '/usr/bin/chromium';
const STEP = 'chromium';

/**
 * Installs Debian's `chromium` with apt when it is missing and we are root (as in CI); otherwise says
 * what to run. Never fails the set-up: only the browser test needs it, and that test says the same.
 */
export function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM)) {
    log(STEP, `${CHROMIUM} present (${capture(CHROMIUM, ['--version']).stdout.trim() || 'version unknown'})`);
    return;
  }
  if (process.env.AW_SKIP_CHROMIUM) {
    log(STEP, `${CHROMIUM} missing; not installing it (AW_SKIP_CHROMIUM is set). The browser test will fail unless AW_SKIP_BROWSER_TEST=1.`);
    return;
  }
  const root = process.getuid?.() === 0;
  if (!root || !which('apt-get')) {
    log(STEP, `${CHROMIUM} is missing. The browser test needs it: sudo apt-get install chromium (Debian/Ubuntu), or set AW_CHROMIUM to a Chromium binary.`);
    return;
  }
  log(STEP, 'installing Debian chromium for the browser test: apt-get update && apt-get install -y chromium (about a minute)');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get update', 'apt-get', ['update', '-qq'], { env });
    run('apt-get install chromium', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env });
    log(STEP, `installed ${capture(CHROMIUM, ['--version']).stdout.trim()}`);
  } catch (e) {
    log(STEP, `could not install chromium (${(e as SetupError).message}); the browser test will fail until it is installed.`);
  }
}
