// tf.tidy for functions returning plain objects of tensors (tf.tidy's typings want an index signature).
import { tf } from './tf';

/** Runs `f` in a tf.tidy scope: intermediate tensors are freed, tensors inside the returned object are kept. */
export function tidyObject<T>(f: () => T): T {
  return tf.tidy(() => f() as unknown as tf.TensorContainer) as unknown as T;
}
