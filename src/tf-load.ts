// Side-effect module imported first by src/tf.ts: quiets libtensorflow's log before it loads and
// turns a missing native binding into an error that says how to fix it.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

try {
  require('@tensorflow/tfjs-node');
} catch (e) {
  const reason = (e as Error).message.split('\n')[0];
  throw new Error(
    `attention-workbook: the native TensorFlow backend (@tensorflow/tfjs-node) failed to load: ${reason}\n` +
      'Run `npm install` in the project folder: it builds the binding (offline from the tensorflow-cpu ' +
      'wheel when Google storage is out of reach). See README.md, "Troubleshooting". The library does not ' +
      'fall back to the pure-JS backend, which is about 28x slower.',
  );
}
