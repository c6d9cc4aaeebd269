// The one place the library loads TensorFlow.js. Every module imports `tf` from here, so the native
// backend is required (never the pure-JS CPU backend by accident) and libtensorflow's start-up log
// lines stay quiet.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

// eslint-disable-next-line @typescript-eslint/no-var-requires
import type * as TF from '@tensorflow/tfjs-node';

function load(): typeof TF {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('@tensorflow/tfjs-node') as typeof TF;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    throw new Error(
      `attention-workbook: the native TensorFlow backend (@tensorflow/tfjs-node) failed to load: ${reason}\n` +
        'Run `npm install` in the project folder: it builds the binding (offline from the tensorflow-cpu ' +
        'wheel when Google storage is out of reach). See README.md, "Troubleshooting". The library does not ' +
        'fall back to the pure-JS backend, which is about 28x slower.',
    );
  }
}

export const tf: typeof TF = load();
