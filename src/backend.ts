// What runs the tensors: backend, versions, threads. Notebook 00 prints this first.
import * as os from 'node:os';
import { tf } from './tf';

export interface BackendReport {
  /** 'tensorflow' for the native binding; anything else is reported as a problem. */
  backend: string;
  native: boolean;
  tfjs: string;
  tfjsNode: string;
  /** Version of the TensorFlow C library the binding is linked against. */
  libtensorflow: string;
  node: string;
  platform: string;
  /** Cores the OS offers. */
  cores: number;
  /** TF_NUM_INTRAOP_THREADS (the library sets 1 unless it is set: see src/tf-load.ts) and TF_NUM_INTEROP_THREADS; 'all cores' when unset or 0. */
  intraOpThreads: string;
  interOpThreads: string;
}

interface NativeBinding {
  TF_Version?: string;
}

function threads(v: string | undefined): string {
  return v === undefined || v === '0' ? 'all cores' : v;
}

export function backendReport(): BackendReport {
  const backend = tf.getBackend();
  const binding = (tf.backend() as unknown as { binding?: NativeBinding }).binding;
  return {
    backend,
    native: backend === 'tensorflow',
    tfjs: tf.version.tfjs ?? tf.version['tfjs-core'],
    tfjsNode: tf.version['tfjs-node'],
    libtensorflow: binding?.TF_Version ?? 'unknown',
    node: process.versions.node,
    platform: `${os.platform()} ${os.arch()}`,
    cores: os.availableParallelism(),
    intraOpThreads: threads(process.env.TF_NUM_INTRAOP_THREADS),
    interOpThreads: threads(process.env.TF_NUM_INTEROP_THREADS),
  };
}

/** Throws, with the fix, unless the native backend runs. Call it where speed matters (training). */
export function assertNativeBackend(): BackendReport {
  const report = backendReport();
  if (!report.native) {
    throw new Error(
      `attention-workbook: TensorFlow.js is running on the "${report.backend}" backend, not the native ` +
        '"tensorflow" one. Run `npm install` (see README.md, "Troubleshooting").',
    );
  }
  return report;
}

/** One line for logs and notebooks, e.g. `backend tensorflow (native) · tfjs 4.22.0 · libtensorflow 2.21.0 · 2 cores`. */
export function formatBackendReport(r: BackendReport = backendReport()): string {
  const kind = r.native ? 'native' : 'NOT NATIVE: slow, run npm install';
  return `backend ${r.backend} (${kind}) · tfjs ${r.tfjs} · tfjs-node ${r.tfjsNode} · libtensorflow ${r.libtensorflow} · node ${r.node} · ${r.platform} · ${r.cores} cores, intra-op threads ${r.intraOpThreads}`;
}
