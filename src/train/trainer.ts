// The training loop: teacher forcing, masked loss, clipped gradients, learning-rate schedule,
// early stopping on validation loss, the best weights kept (and saved), live progress.
import { batches, Example } from '../data';
import { Seq2Seq } from '../seq2seq';
import { tf } from '../tf';
import { createProgress, ProgressReporter } from '../viz/progress';
import { makeTrainStep, StepKind, StepMode } from './fast/step';
import { clipByGlobalNorm, maskedCrossEntropy, tokenAccuracy } from './loss';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  /** Seeds the batch order (the model's weights are seeded by its own config). */
  seed: number;
  optimizer?: 'adam' | 'rmsprop';
  /** Default 0.005 for Adam, 0.001 for RMSprop. */
  learningRate?: number;
  /** Multiply the learning rate by this after every epoch (default 1: constant). */
  lrDecay?: number;
  /** Clip gradients to this global L2 norm (default 5; 0 turns clipping off). */
  clipNorm?: number;
  /** Stop when validation loss has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Put the best epoch's weights (by validation loss) back at the end (default true when there is validation data). */
  restoreBest?: boolean;
  /** Called with the epoch number whenever validation loss reaches a new best: save a checkpoint there. */
  onBest?: (epoch: number) => Promise<void> | void;
  onEpochEnd?: (log: EpochLog) => Promise<void> | void;
  /** Stop each epoch after this many batches (quick experiments). */
  maxBatchesPerEpoch?: number;
  /** 'auto': a live bar in a notebook, text lines elsewhere. */
  progress?: 'auto' | 'notebook' | 'text' | 'silent' | ProgressReporter;
  title?: string;
  /**
   * Which training step computes the gradients: 'fast' (backpropagation through time written out on TensorFlow's
   * fused ops, src/train/fast; throws when the model is not covered), 'autodiff' (tf.variableGrads), or 'auto'
   * (default: fast where covered, else autodiff). The progress title and TrainResult say which one ran.
   */
  step?: StepMode;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  seconds: number;
  /** Mean global gradient norm before clipping. */
  gradNorm: number;
}

export interface TrainResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
  seconds: number;
  msPerStep: number;
  /** The training step that ran, and why (see TrainConfig.step). */
  step: StepKind;
  stepReason: string;
}

/** The values of scalar tensors, which are then disposed. */
function readScalars(ts: tf.Tensor[]): number[] {
  return ts.map((t) => {
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  });
}

/** Loss and token accuracy over examples, without gradients. */
export function evaluate(model: Seq2Seq, examples: readonly Example[], batchSize = 128): { loss: number; accuracy: number } {
  let loss = 0;
  let acc = 0;
  let tokens = 0;
  for (const b of batches(examples, { batchSize, seed: 0, shuffle: false, bucket: false })) {
    const [l, a, n] = readScalars(tf.tidy(() => {
      const { logits } = model.forward(b.source, b.sourceMask, b.targetIn);
      const n = tf.sum(b.targetMask.cast('float32'));
      return [tf.mul(maskedCrossEntropy(logits, b.targetOut, b.targetMask), n), tf.mul(tokenAccuracy(logits, b.targetOut, b.targetMask), n), n];
    }));
    loss += l;
    acc += a;
    tokens += n;
  }
  return { loss: loss / Math.max(tokens, 1), accuracy: acc / Math.max(tokens, 1) };
}

/**
 * An optimizer whose learning rate the schedule sets, by a typed method, between epochs. tfjs keeps the
 * rate in a protected field that `applyGradients` reads at every step; these subclasses expose it, so one
 * optimizer (and Adam's moment estimates, RMSprop's accumulators) lives across all epochs while the rate
 * changes. (Recreating the optimizer per epoch would restart the moments; carrying them over with
 * setWeights recomputes Adam's β powers with pow() and changes the numbers.)
 */
export interface ScheduledOptimizer extends tf.Optimizer {
  setLearningRate(rate: number): void;
}
class ScheduledAdam extends tf.AdamOptimizer implements ScheduledOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}
class ScheduledRMSProp extends tf.RMSPropOptimizer implements ScheduledOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** The configured optimizer with tf.train.adam's / tf.train.rmsprop's defaults (β 0.9/0.999; decay 0.9, no momentum). */
export function makeOptimizer(cfg: Pick<TrainConfig, 'optimizer'>, rate: number): ScheduledOptimizer {
  const kind = cfg.optimizer ?? 'adam';
  if (kind === 'adam') return new ScheduledAdam(rate, 0.9, 0.999);
  if (kind === 'rmsprop') return new ScheduledRMSProp(rate, 0.9, 0);
  throw new Error(`train: optimizer must be adam or rmsprop, not ${JSON.stringify(kind)}`);
}

/** The learning rate of a 0-based epoch: learningRate · lrDecay^epoch (default rate 0.005 for Adam, 0.001 for RMSprop). */
export function learningRateAt(cfg: Pick<TrainConfig, 'optimizer' | 'learningRate' | 'lrDecay'>, epoch: number): number {
  return (cfg.learningRate ?? (cfg.optimizer === 'rmsprop' ? 0.001 : 0.005)) * (cfg.lrDecay ?? 1) ** epoch;
}

export async function train(model: Seq2Seq, data: { train: readonly Example[]; valid?: readonly Example[] }, cfg: TrainConfig): Promise<TrainResult> {
  if (!(Number.isInteger(cfg.epochs) && cfg.epochs > 0)) throw new Error(`train: epochs must be a positive integer, not ${cfg.epochs}`);
  if (data.train.length === 0) throw new Error('train: no training examples');
  const trainStep = makeTrainStep(model, cfg.step); // before anything that would need disposing: it may refuse
  const optimizer = makeOptimizer(cfg, learningRateAt(cfg, 0));
  const vars = model.trainableVariables;
  const clip = cfg.clipNorm ?? 5;
  const steps = Math.min(Math.ceil(data.train.length / cfg.batchSize), cfg.maxBatchesPerEpoch ?? Infinity);
  const progress = typeof cfg.progress === 'object' ? cfg.progress : createProgress(cfg.progress ?? 'auto');
  const hasValid = (data.valid?.length ?? 0) > 0;
  const history: EpochLog[] = [];
  let best = { epoch: -1, loss: Infinity, weights: undefined as tf.Tensor[] | undefined };
  let sinceBest = 0;
  let stoppedEarly = false;
  const t0 = Date.now();
  let stepMs = 0;
  let stepCount = 0;
  progress.start({ epochs: cfg.epochs, stepsPerEpoch: steps, title: `${cfg.title ? `${cfg.title} · ` : ''}${trainStep.label}` });
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const e0 = Date.now();
      const learningRate = learningRateAt(cfg, epoch);
      optimizer.setLearningRate(learningRate);
      let lossSum = 0;
      let accSum = 0;
      let normSum = 0;
      let step = 0;
      for (const b of batches(data.train, { batchSize: cfg.batchSize, seed: cfg.seed, epoch })) {
        if (step >= steps) break;
        const s0 = performance.now();
        const [loss, acc, norm] = readScalars(tf.tidy(() => {
          const { loss: value, accuracy, grads } = trainStep.run(b);
          const clipped = clip > 0 ? clipByGlobalNorm(grads, clip) : { grads, norm: tf.scalar(0) };
          optimizer.applyGradients(clipped.grads as tf.NamedTensorMap);
          return [value, accuracy, clipped.norm];
        }));
        stepMs += performance.now() - s0;
        stepCount++;
        if (!Number.isFinite(loss)) throw new Error(`train: the loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}; lower the learning rate or clipNorm`);
        lossSum += loss;
        accSum += acc;
        normSum += norm;
        progress.step(epoch, step, loss);
        step++;
        await new Promise((r) => setImmediate(r)); // let the notebook's display messages go out
      }
      const log: EpochLog = { epoch: epoch + 1, loss: lossSum / step, accuracy: accSum / step, learningRate, seconds: (Date.now() - e0) / 1000, gradNorm: normSum / step };
      if (hasValid) {
        const v = evaluate(model, data.valid!);
        log.valLoss = v.loss;
        log.valAccuracy = v.accuracy;
      }
      history.push(log);
      progress.epochEnd(epoch, { loss: log.loss, valLoss: log.valLoss, accuracy: log.accuracy, valAccuracy: log.valAccuracy });
      await cfg.onEpochEnd?.(log);
      const monitored = log.valLoss ?? log.loss;
      if (monitored < best.loss - (cfg.earlyStopping?.minDelta ?? 0)) {
        tf.dispose(best.weights ?? []);
        best = { epoch: epoch + 1, loss: monitored, weights: vars.map((v) => v.clone()) };
        sinceBest = 0;
        await cfg.onBest?.(epoch + 1);
      } else if (cfg.earlyStopping && ++sinceBest >= cfg.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if ((cfg.restoreBest ?? hasValid) && best.weights && best.epoch !== history.length) vars.forEach((v, i) => v.assign(best.weights![i]));
  } finally {
    tf.dispose(best.weights ?? []);
    optimizer.dispose();
    trainStep.dispose();
  }
  const seconds = (Date.now() - t0) / 1000;
  progress.end(`best epoch ${best.epoch}${stoppedEarly ? ' (stopped early)' : ''}`);
  return { history, bestEpoch: best.epoch, bestValLoss: best.loss, stoppedEarly, seconds, msPerStep: stepMs / Math.max(stepCount, 1), step: trainStep.kind, stepReason: trainStep.reason };
}
