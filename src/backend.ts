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
  /** Cores the OS offers; TensorFlow's intra-op pool uses them all unless told otherwise. */
  cores: number;
  /** TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS when set, else 'all cores'. */
  intraOpThreads: string;
  interOpThreads: string;
}

interface NativeBinding {
  TF_Version?: string;
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
    intraOpThreads: process.env.TF_NUM_INTRAOP_THREADS ?? 'all cores',
    interOpThreads: process.env.TF_NUM_INTEROP_THREADS ?? 'all cores',
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
  return `backend ${r.backend} (${kind}) · tfjs ${r.tfjs} · tfjs-node ${r.tfjsNode} · libtensorflow ${r.libtensorflow} · node ${r.node} · ${r.platform} · ${r.cores} cores`;
}
