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

/**
 * How far the fast step may be from autodiff, per weight w: max |fast − autodiff| ≤ relative · max |g_w| +
 * ofModel · G, where G is the largest gradient entry of the whole model. The first term is float32 rounding
 * of the two orders of summation; the second covers weights whose whole gradient is a small difference of
 * large terms (Bahdanau's query kernel at initial weights: ~1e-9 against G ~0.3), where rounding of the
 * large terms dominates.
 */
export const GRADIENT_TOLERANCE = { relative: 1e-5, ofModel: 1e-6 } as const;

/** One weight's agreement between the two gradients. */
export interface GradientAgreement {
  name: string;
  shape: number[];
  /** max |autodiff gradient| */
  maxGrad: number;
  /** max |fast − autodiff| */
  maxDiff: number;
  /** maxDiff / maxGrad */
  relative: number;
  /** GRADIENT_TOLERANCE applied to this weight */
  tolerance: number;
  within: boolean;
}

/** Per weight: how far the fast gradient is from autodiff's, against GRADIENT_TOLERANCE (reads the tensors). */
export function gradientAgreement(weights: readonly GradientPair[]): GradientAgreement[] {
  const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
  const G = Math.max(...weights.map((w) => maxAbs(w.autodiff)));
  return weights.map((w) => {
    if (w.fast.shape.join() !== w.autodiff.shape.join()) throw new Error(`gradientAgreement: ${w.name} has shape [${w.fast.shape}] from the fast step but [${w.autodiff.shape}] from autodiff`);
    const maxGrad = maxAbs(w.autodiff);
    const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(w.fast, w.autodiff))).dataSync()[0]);
    const tolerance = GRADIENT_TOLERANCE.relative * maxGrad + GRADIENT_TOLERANCE.ofModel * G;
    return { name: w.name, shape: w.autodiff.shape, maxGrad, maxDiff, relative: maxDiff / maxGrad, tolerance, within: maxDiff <= tolerance };
  });
}

/** The gradient check in one call: both gradient sets compared weight by weight, their tensors freed. */
export function gradientCheck(model: Seq2Seq, batch: Batch): { loss: GradientSets['loss']; weights: GradientAgreement[] } {
  const sets = fastAndAutodiffGradients(model, batch);
  try {
    return { loss: sets.loss, weights: gradientAgreement(sets.weights) };
  } finally {
    tf.dispose(sets.weights.flatMap((w) => [w.fast, w.autodiff]));
  }
}
