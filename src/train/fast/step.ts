// Which training step runs: the hand-written BPTT step (./bptt) where it covers the model, autodiff
// (tf.variableGrads over Seq2Seq.forward) elsewhere. The choice is explicit and reported, never silent.
import type { Batch } from '../../data';
import type { Seq2Seq, Seq2SeqModel } from '../../seq2seq';
import { tf } from '../../tf';
import { checkLossOptions, teacherForcedLoss } from '../loss';
import { FastStep, fastStepSupport } from './bptt';
import type { HandleCounts } from './native';

export type StepMode = 'auto' | 'fast' | 'autodiff';
export type StepKind = 'fast' | 'autodiff';

/** One training step's loss, accuracy and gradients (keyed by variable name), as tfjs tensors. */
export interface TrainStep {
  readonly kind: StepKind;
  /** Why this step: what 'auto' found, or that the caller forced it. */
  readonly reason: string;
  /** e.g. "fast BPTT step", "autodiff step": for progress titles */
  readonly label: string;
  run(batch: Batch): { loss: tf.Scalar; accuracy: tf.Scalar; grads: tf.NamedTensorMap };
  /** Native handles the fast step owns (undefined for autodiff). */
  handleCounts(): HandleCounts | undefined;
  dispose(): void;
}

/** The readable reference: tape-based gradients of the model's own forward pass. */
function autodiffStep(model: Seq2SeqModel, reason: string, labelSmoothing: number, trained?: readonly tf.Variable[]): TrainStep {
  const vars = trained ? [...trained] : model.trainableVariables; // frozen weights need no gradient
  checkLossOptions(model, { labelSmoothing });
  return {
    kind: 'autodiff',
    reason,
    label: 'autodiff step',
    run(b) {
      let accuracy: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const { loss, accuracy: acc } = teacherForcedLoss(model, b, { training: true, labelSmoothing, coverage: true }); // dropout on, where the model has it
        accuracy = tf.keep(acc);
        return loss;
      }, vars);
      return { loss: value, accuracy: accuracy!, grads };
    },
    handleCounts: () => undefined,
    dispose() {},
  };
}

/**
 * The training step for `mode`: 'fast' (throws, naming why, when the model or backend is not covered),
 * 'autodiff', or 'auto' (fast when covered, else autodiff with the reason). `hasOp` fakes the backend's op
 * registry in tests. Label smoothing (`labelSmoothing` > 0) is in the autodiff step's loss only. `trained`: the
 * weights being trained (default all); the autodiff step differentiates only those, the fast step's backward pass
 * computes every weight's gradient.
 */
export function makeTrainStep(model: Seq2SeqModel, mode: StepMode = 'auto', opts: { hasOp?: (name: string) => boolean; labelSmoothing?: number; trained?: readonly tf.Variable[] } = {}): TrainStep {
  const smoothing = opts.labelSmoothing ?? 0;
  if (!['auto', 'fast', 'autodiff'].includes(mode)) throw new Error(`train: step must be auto, fast or autodiff, not ${JSON.stringify(mode)}`);
  if (mode === 'autodiff') return autodiffStep(model, 'asked for the autodiff step', smoothing, opts.trained);
  const covered = fastStepSupport(model.config, opts.hasOp);
  const support = covered.ok && smoothing > 0 ? { ok: false as const, reason: 'label smoothing is not in its loss' } : covered;
  if (!support.ok) {
    if (mode === 'fast') throw new Error(`train: the fast step cannot run: ${support.reason}; use step 'autodiff' or 'auto'`);
    return autodiffStep(model, `the fast step does not cover this: ${support.reason}`, smoothing, opts.trained);
  }
  const fast = new FastStep(model as Seq2Seq, opts); // fastStepSupport accepts Seq2Seq configs only
  return {
    kind: 'fast',
    reason: mode === 'fast' ? 'asked for the fast step' : 'the fast step covers this model',
    label: 'fast BPTT step',
    run: (b) => fast.run(b),
    handleCounts: () => fast.handleCounts(),
    dispose: () => fast.dispose(),
  };
}
