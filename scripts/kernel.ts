// The tslab kernel as Jupyter starts it (see .venv/share/jupyter/kernels/tslab/kernel.json).
//
// libtensorflow 2.21 (the tensorflow-cpu wheel) logs through abseil before abseil is initialised,
// and those lines ignore TF_CPP_MIN_LOG_LEVEL: "All log messages before absl::InitializeLog()...",
// a oneDNN note and a CPU-feature note, at every kernel start. This wrapper runs tslab and drops
// exactly those start-up lines from its stderr (the server's log); everything else passes through.
// Interrupts: Jupyter signals the kernel's whole process group, so tslab receives SIGINT itself and
// the wrapper only has to stay alive.
// tslab runs with tslab-preload.js loaded first, so that no Jupyter message is lost: without it one IOPub message in
// about 513 was dropped (a display then failed its cell with no message), and so was a burst beyond 1 000
// (lib/zmq-send-queue.ts).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { TSLAB_BIN } from './lib/shell';
import { isLibtensorflowStartupNoise } from './lib/tf-log-filter';

const preload = path.join(__dirname, 'tslab-preload.js');
const child = spawn(process.execPath, ['--require', preload, TSLAB_BIN, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'] });

let pending = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk: string) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) if (!isLibtensorflowStartupNoise(line)) process.stderr.write(line + '\n');
});
child.stderr.on('end', () => {
  if (pending && !isLibtensorflowStartupNoise(pending)) process.stderr.write(pending);
});

process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
