// `npm install` runs this (package.json "postinstall"): the whole set-up after node packages are in.
//   1. .venv with pinned JupyterLab + nbclient, tslab kernel registered in it;
//   2. the native TensorFlow backend for tfjs-node (download, or the tensorflow-cpu wheel offline);
//   3. Debian's chromium for the real-browser test (apt, when root and it is missing);
//   4. a check that the library loads on the native backend, printed loudly.
// Each step skips what is already done, so a second `npm install` is quick.
import { ensureChromium } from './lib/chromium';
import { ensureNativeBackend, probeBackend } from './lib/native-backend';
import { ensureVenv } from './lib/python-env';
import { log, seconds, SetupError } from './lib/shell';

/**
 * npm runs "postinstall" twice: once for node_modules/attention-workbook (the package's link to itself,
 * through which notebooks import it by name), with its output hidden, and once as the root project's
 * own script. Only the second, visible run does the set-up. npm marks dependency runs with
 * npm_package_resolved.
 */
function isDependencyRun(): boolean {
  return process.env.npm_lifecycle_event === 'postinstall' && process.env.npm_package_resolved !== undefined;
}

function main(): void {
  if (isDependencyRun()) return;
  const start = Date.now();
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) throw new SetupError(`Node ${process.versions.node} is too old; the workbook needs Node 20 or newer.`);
  ensureVenv();
  ensureNativeBackend();
  ensureChromium();
  const probe = probeBackend();
  log('setup', `done in ${seconds(start)}. TensorFlow.js backend: ${probe.backend}. Next: npm start (or npm test).`);
}

try {
  main();
} catch (e) {
  if (e instanceof SetupError) {
    console.error(`\n[setup] FAILED: ${e.message}`);
    if (e.hint) console.error(`[setup] How to fix: ${e.hint}`);
    console.error('[setup] See README.md, "Troubleshooting".\n');
    process.exit(1);
  }
  throw e;
}
