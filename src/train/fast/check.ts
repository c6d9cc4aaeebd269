// A gradient check: the fast step's gradients next to autodiff's on the same batch and weights, without
// applying either. Both come from the two training steps `train` itself runs (makeTrainStep), nothing else.
import type { Batch } from '../../data';
import type { Seq2Seq } from '../../seq2seq';
import { tf } from '../../tf';
import { makeTrainStep } from './step';

/** One weight's gradient computed both ways. */
export interface GradientPair {
  /** the model's short weight name, e.g. 'attention/query_kernel' */
  name: string;
  /** dL/dw from the fast BPTT step */
  fast: tf.Tensor;
  /** dL/dw from tf.variableGrads over Seq2Seq.forward */
  autodiff: tf.Tensor;
}

export interface GradientSets {
  /** the masked cross-entropy, as each step computed it */
  loss: { fast: number; autodiff: number };
  /** every trainable weight, in the model's order */
  weights: GradientPair[];
}

/**
 * The loss and the gradient of every weight of `model` on `batch`, from the fast step and from autodiff
 * (`train`'s step 'fast' and 'autodiff'), nothing applied. Throws, naming why, when the fast step does not
 * cover the model. The returned tensors are the caller's (dispose them, or call inside tf.tidy).
 */
export function fastAndAutodiffGradients(model: Seq2Seq, batch: Batch): GradientSets {
  const fast = makeTrainStep(model, 'fast');
  const autodiff = makeTrainStep(model, 'autodiff');
  try {
    const f = fast.run(batch);
    let a: ReturnType<typeof autodiff.run>;
    try {
      a = autodiff.run(batch);
    } catch (e) {
      tf.dispose([f.loss, f.accuracy, ...Object.values(f.grads)]);
      throw e;
    }
    const [lf, la] = [f.loss, a.loss].map((s) => s.dataSync()[0]);
    tf.dispose([f.loss, f.accuracy, a.loss, a.accuracy]);
    return {
      loss: { fast: lf, autodiff: la },
      weights: model.weights.entries().map(([name, v]) => ({ name, fast: f.grads[v.name], autodiff: a.grads[v.name] })),
    };
  } finally {
    fast.dispose();
    autodiff.dispose();
  }
}
