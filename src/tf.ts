// The one place the library loads TensorFlow.js. Every module imports `tf` from here, so the native
// backend is required (never the pure-JS CPU backend by accident) and libtensorflow's start-up log
// lines stay quiet. `tf` is both the runtime namespace and the type namespace (tf.Tensor3D, ...).
import './tf-load';
import * as tf from '@tensorflow/tfjs-node';

export { tf };
