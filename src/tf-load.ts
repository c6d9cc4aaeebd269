// Side-effect module imported first by src/tf.ts: quiets libtensorflow's log before it loads, runs each
// TensorFlow op on one thread unless told otherwise, and turns a missing native binding into an error that says
// how to fix it.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
// One intra-op thread: the models here run thousands of small ops per training step, and handing each op to a
// thread pool costs more than splitting it saves. Measured on the 2-core reference machine (bench/results.md):
// the fast training step 33 → 24 ms, the autodiff step 87 → 57 ms; chapter 04 trains in 9 s instead of 14, 06 in 15 s
// instead of 20.
// Larger work gains from the pool: chapter 07's step (batch 128, a 2 900-token softmax) takes 158 ms on one thread
// and 125–134 ms on all cores. TensorFlow reads this when the binding loads, so set TF_NUM_INTRAOP_THREADS yourself
// before starting (0 = TensorFlow's own choice, all cores) for such work: `TF_NUM_INTRAOP_THREADS=0 npm start`.
process.env.TF_NUM_INTRAOP_THREADS ??= '1';

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
