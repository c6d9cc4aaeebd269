// Masked token-level loss and accuracy: padding positions count for nothing.
import type { Batch } from '../data';
import type { Seq2SeqModel } from '../seq2seq';
import { tf } from '../tf';
import { nodeBackend } from './fast/native';

/**
 * Mean cross-entropy over real target tokens:
 *   L = − Σ_{b,t} m_bt log softmax(z_bt)[y_bt] / Σ_{b,t} m_bt
 * With label smoothing ε (Szegedy et al. 2016; Vaswani et al. use ε = 0.1), the target is
 * (1 − ε) one-hot(y) + ε / V uniform over the whole vocabulary (as Keras' and PyTorch's label_smoothing):
 *   L_ε = Σ m_bt [ (1 − ε)(− log p(y_bt)) + ε (− (1/V) Σ_v log p(v)) ] / Σ m_bt
 * Padding positions count for nothing either way; ε = 0 is the plain loss, computed exactly as without it.
 * @param logits [b, T, V]; targets int32 [b, T]; mask bool/float [b, T]; opts.labelSmoothing ε in [0, 1)
 */
export function maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D, opts: { labelSmoothing?: number } = {}): tf.Scalar {
  const eps = crossEntropyArgs('maskedCrossEntropy', logits, targets, opts);
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits); // [b, T, V]
    const picked = pickTargets(logp as tf.Tensor3D, targets); // log p(y_bt): [b, T]
    const perToken = eps === 0 ? picked : tf.add(tf.mul(picked, 1 - eps), tf.mul(tf.mean(logp, -1), eps)); // −(per-token loss): [b, T]
    return tf.neg(maskedMean(perToken as tf.Tensor2D, mask)) as tf.Scalar;
  });
}

/** The cross-entropies' argument check: logits [b, T, V] and targets [b, T] agree; returns ε, refused outside [0, 1). */
function crossEntropyArgs(fn: string, logits: tf.Tensor3D, targets: tf.Tensor2D, opts: { labelSmoothing?: number }): number {
  if (logits.shape[0] !== targets.shape[0] || logits.shape[1] !== targets.shape[1]) {
    throw new Error(`${fn}: logits [${logits.shape}] and targets [${targets.shape}] must agree on [batch, T]`);
  }
  const eps = opts.labelSmoothing ?? 0;
  if (!(typeof eps === 'number' && eps >= 0 && eps < 1)) throw new Error(`${fn}: labelSmoothing must be in [0, 1), not ${JSON.stringify(opts.labelSmoothing)}`);
  return eps;
}

/**
 * maskedCrossEntropy, the same formula, in one TensorFlow kernel forward and backward: TensorFlow's
 * SparseSoftmaxCrossEntropyWithLogits (SoftmaxCrossEntropyWithLogits with the smoothed targets when ε > 0)
 * returns each position's loss −Σ_v q_v log softmax(z)_v and its gradient softmax(z) − q together, so the
 * backward pass is one multiply by each position's weight m_bt / Σ m. The readable version takes about ten
 * ops over [b, T, V] each way (log-softmax, one-hot, pick, and their gradients); at a vocabulary of thousands
 * these are the largest tensors of a step. The test holds value and gradient to maskedCrossEntropy's within
 * 1e-5. On a backend without the op it is maskedCrossEntropy.
 * @param logits [b, T, V]; targets int32 [b, T]; mask bool/float [b, T]; opts.labelSmoothing ε in [0, 1)
 */
export function fusedMaskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D, opts: { labelSmoothing?: number } = {}): tf.Scalar {
  const backend = nodeBackend();
  if (!backend) return maskedCrossEntropy(logits, targets, mask, opts);
  const eps = crossEntropyArgs('fusedMaskedCrossEntropy', logits, targets, opts);
  const [b, t, v] = logits.shape;
  const B = backend.binding;
  return tf.tidy(() => {
    const m = tf.reshape(mask.cast('float32'), [b * t]);
    const weights = tf.div(m, tf.maximum(tf.sum(m), 1)); // m_bt / Σ m: [b·T]
    const labels = tf.reshape(targets.cast('int32'), [b * t]); // [b·T]
    const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const flat = tf.reshape(z, [b * t, v]); // [b·T, V]
      const [perRow, backprop] = eps === 0
        ? backend.executeMultipleOutputs('SparseSoftmaxCrossEntropyWithLogits', [{ name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT }, { name: 'Tlabels', type: B.TF_ATTR_TYPE, value: B.TF_INT32 }], [flat, labels], 2)
        : backend.executeMultipleOutputs('SoftmaxCrossEntropyWithLogits', [{ name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT }], [flat, tf.add(tf.mul(tf.oneHot(labels, v), 1 - eps), eps / v)], 2); // [b·T], [b·T, V]
      save([backprop, weights]); // kept for the backward pass, which runs after this function's tidy has ended
      return {
        value: tf.sum(tf.mul(perRow, weights)) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, [g, w]: tf.Tensor[]) => tf.reshape(tf.mul(g, tf.reshape(tf.mul(w, dy), [b * t, 1])), [b, t, v]), // [b, T, V]
      };
    });
    return loss(logits) as tf.Scalar;
  });
}

/** log p(y_bt) of each target: logProbs [b, T, V], targets int32 [b, T] -> [b, T]. */
function pickTargets(logProbs: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.mul(logProbs, tf.oneHot(targets.cast('int32'), logProbs.shape[2])), -1) as tf.Tensor2D;
}

/** Σ_{b,t} m_bt x_bt / max(Σ_{b,t} m_bt, 1): the mean over real target tokens of x [b, T]; mask bool/float [b, T]. */
export function maskedMean(x: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  if (x.shape.join() !== mask.shape.join()) throw new Error(`maskedMean: values [${x.shape}] and mask [${mask.shape}] must have the same shape`);
  return tf.tidy(() => {
    const m = mask.cast('float32');
    return tf.div(tf.sum(tf.mul(x, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/**
 * Mean negative log-likelihood over real target tokens of already normalised log-probabilities, as a copy model's
 * mixture gives them (Seq2Seq.forward's logits for config copy):
 *   L = − Σ_{b,t} m_bt log P(y_bt) / Σ_{b,t} m_bt
 * @param logProbs [b, T, X] log P; targets int32 [b, T] (extended ids for a copy model); mask bool/float [b, T]
 */
export function maskedNll(logProbs: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  if (logProbs.shape[0] !== targets.shape[0] || logProbs.shape[1] !== targets.shape[1]) {
    throw new Error(`maskedNll: log-probabilities [${logProbs.shape}] and targets [${targets.shape}] must agree on [batch, T]`);
  }
  return tf.tidy(() => tf.neg(maskedMean(pickTargets(logProbs, targets), mask)) as tf.Scalar);
}

/** Fraction of real target tokens whose argmax prediction is right. */
export function tokenAccuracy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const m = mask.cast('float32');
    const right = tf.equal(tf.argMax(logits, -1), targets.cast('int32')).cast('float32');
    return tf.div(tf.sum(tf.mul(right, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/** Scales gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping too. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) clipped[k] = tf.mul(g, scale);
    return { grads: clipped, norm } as unknown as tf.TensorContainer;
  }) as unknown as { grads: Record<string, tf.Tensor>; norm: tf.Scalar };
}

/** Whether a model's config asks for the copy mechanism (Seq2SeqConfig.copy). */
function isCopy(model: Seq2SeqModel): boolean {
  return model.config.kind !== 'transformer' && model.config.copy === true;
}

/** Refuses loss options a model cannot have (label smoothing of a copy model's mixture), naming the key. */
export function checkLossOptions(model: Seq2SeqModel, opts: { labelSmoothing?: number }): void {
  if (isCopy(model) && (opts.labelSmoothing ?? 0) > 0) throw new Error('train: labelSmoothing is not defined for a copy model (config copy: its output is a mixture over the extended vocabulary); set labelSmoothing 0');
}

/**
 * A batch's teacher-forced loss and token accuracy: the one definition the autodiff training step and evaluate use.
 * Plain models: maskedCrossEntropy of the logits against targetOut (label smoothing ε when asked), computed by its
 * one-kernel twin fusedMaskedCrossEntropy.
 * Copy models (config copy): the forward pass gives log P of the pointer-generator mixture over the extended
 * vocabulary, scored against the extended targets (Batch.targetExt) by maskedNll, and with coverage (and
 * opts.coverage) plus λ · maskedMean(Σ_j min(α_tj, cov_tj)):
 *   L = − Σ m_bt log P(y_bt) / Σ m_bt + λ Σ_{b,t} m_bt Σ_j min(α_btj, cov_btj) / Σ m_bt
 * `training` turns dropout on; `coverage` adds the coverage term (training: yes; validation loss: without it).
 */
export function teacherForcedLoss(model: Seq2SeqModel, b: Batch, opts: { training?: boolean; labelSmoothing?: number; coverage?: boolean } = {}): { loss: tf.Scalar; accuracy: tf.Scalar } {
  checkLossOptions(model, opts);
  const copy = isCopy(model);
  if (copy && (!b.sourceExt || !b.targetExt)) throw new Error('train: a copy model (config copy: true) needs batches with copy ids (sourceExt, targetExt): build the examples with copyExamples');
  const out = model.forward(b.source, b.sourceMask, b.targetIn, { training: opts.training, sourceExt: b.sourceExt }); // logits [b, T, V] (copy: log P [b, T, X])
  const targets = copy ? b.targetExt! : b.targetOut; // [b, T]
  const accuracy = tokenAccuracy(out.logits, targets, b.targetMask);
  if (!copy) return { loss: fusedMaskedCrossEntropy(out.logits, targets, b.targetMask, { labelSmoothing: opts.labelSmoothing }), accuracy };
  const nll = maskedNll(out.logits, targets, b.targetMask);
  const cfg = model.config as { coverageWeight?: number };
  if (!opts.coverage || !out.coverageLoss) return { loss: nll, accuracy };
  return { loss: tf.add(nll, tf.mul(maskedMean(out.coverageLoss, b.targetMask), cfg.coverageWeight ?? 1)) as tf.Scalar, accuracy };
}
