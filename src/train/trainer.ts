// The training loop: teacher forcing, masked loss, clipped gradients, learning-rate schedule,
// early stopping on validation loss, the best weights kept (and saved), live progress.
import { batches, Example } from '../data';
import type { Seq2SeqModel } from '../seq2seq';
import { tf } from '../tf';
import { createProgress, ProgressReporter } from '../viz/progress';
import { Anchor, disposeAnchor, makeAnchor, withAnchorGradients, type AnchorOptions } from './anchor';
import { dataFingerprint, restoreCheckpoint, ResumeSettings, saveCheckpoint } from './checkpoint';
import { makeTrainStep, StepKind, StepMode } from './fast/step';
import { FlatAdam } from './flat-adam';
import { initFrom, InitReport, InitSource } from './init';
import { clipByGlobalNorm, teacherForcedLoss } from './loss';
import { checkParts, ModelPart, partGroups } from './parts';
import { warmupFactor } from './schedule';

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
  /**
   * A training-time budget in seconds: training stops after the step at which the seconds this run has spent in
   * its epochs (EpochLog.seconds, batching and steps; not validation) reach it. That last epoch is logged as far as
   * it went and TrainResult.outOfTime is true. For comparing models at the same training time; not with
   * checkpointDir (checkpoints are whole epochs).
   */
  maxSeconds?: number;
  /** 'auto': a live bar in a notebook, text lines elsewhere. */
  progress?: 'auto' | 'notebook' | 'text' | 'silent' | ProgressReporter;
  title?: string;
  /**
   * Which training step computes the gradients: 'fast' (backpropagation through time written out on TensorFlow's
   * fused ops, src/train/fast; throws when the model is not covered), 'autodiff' (tf.variableGrads), or 'auto'
   * (default: fast where covered, else autodiff). The progress title and TrainResult say which one ran.
   */
  step?: StepMode;
  /**
   * Base learning rates of model parts (embeddings, encoder, attention, decoderCell, output), decayed by
   * lrDecay like learningRate, which the other parts keep. Each distinct rate gets its own optimizer.
   */
  learningRates?: Partial<Record<ModelPart, number>>;
  /** Parts not trained: their weights stay bit for bit (and are left out of gradient clipping). */
  freeze?: ModelPart[];
  /** Start from a trained model's weights (a model folder, or { from, sourceVocab, targetVocab }: see initFrom). */
  init?: string | InitSource;
  /** After every epoch, save a training checkpoint (weights, optimizer state, epoch, history) here, atomically. */
  checkpointDir?: string;
  /**
   * Continue exactly from a checkpoint folder (checkpointDir): `epochs` counts all epochs, those in the
   * checkpoint included, and the settings that decide the numbers must be the checkpoint's.
   */
  resumeFrom?: string;
  /**
   * Warm-up steps: the learning rate of (1-based, global) step s is learningRate · min(s / warmup, √(warmup / s))
   * (times lrDecay^epoch), set before every step; learningRate (d · warmup)^−0.5 is Vaswani et al.'s schedule
   * (see warmupFactor). Default: none, the rate changes per epoch only.
   */
  warmup?: number;
  /** Label smoothing ε of the training loss (maskedCrossEntropy; default 0). Validation loss stays unsmoothed. Runs the autodiff step. */
  labelSmoothing?: number;
  /**
   * An L2 pull toward the weights training starts from (after `init`): λ (θ − θ₀) added to each trained weight's
   * gradient before clipping, i.e. the loss plus (λ/2)‖θ − θ₀‖² (see ./anchor). Weight 0 trains exactly as without.
   * Not with resumeFrom (θ₀ is not in a checkpoint).
   */
  anchor?: AnchorOptions;
}

/** Range checks of a TrainConfig's values, each error naming the key. `train` runs them. */
export function validateTrainConfig(cfg: TrainConfig): void {
  const bad = (key: string, want: string, v: unknown) => new Error(`train: ${key} must be ${want}, not ${JSON.stringify(v)}`);
  const int = (key: keyof TrainConfig, min: number) => {
    const v = cfg[key];
    if (!(Number.isInteger(v) && (v as number) >= min)) throw bad(key, `an integer ≥ ${min}`, v);
  };
  const num = (key: string, v: unknown, min: number, max = Infinity) => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max)) throw bad(key, max === Infinity ? `a number ≥ ${min}` : `a number in [${min}, ${max}]`, v);
  };
  int('epochs', 1);
  int('batchSize', 1);
  if (!Number.isInteger(cfg.seed)) throw bad('seed', 'an integer', cfg.seed);
  if (cfg.optimizer !== undefined && !['adam', 'rmsprop'].includes(cfg.optimizer)) throw bad('optimizer', 'adam or rmsprop', cfg.optimizer);
  num('learningRate', cfg.learningRate, 0);
  num('lrDecay', cfg.lrDecay, 0);
  num('clipNorm', cfg.clipNorm, 0);
  if (cfg.warmup !== undefined) int('warmup', 1);
  if (cfg.labelSmoothing !== undefined && !(typeof cfg.labelSmoothing === 'number' && cfg.labelSmoothing >= 0 && cfg.labelSmoothing < 1)) throw bad('labelSmoothing', 'a number in [0, 1)', cfg.labelSmoothing);
  if (cfg.maxBatchesPerEpoch !== undefined) int('maxBatchesPerEpoch', 1);
  if (cfg.maxSeconds !== undefined && !(typeof cfg.maxSeconds === 'number' && Number.isFinite(cfg.maxSeconds) && cfg.maxSeconds > 0)) throw bad('maxSeconds', 'a number > 0', cfg.maxSeconds);
  if (cfg.maxSeconds !== undefined && cfg.checkpointDir !== undefined) throw new Error('train: maxSeconds and checkpointDir exclude each other (a time budget can stop mid-epoch; checkpoints are whole epochs)');
  if (cfg.earlyStopping !== undefined) {
    if (!(Number.isInteger(cfg.earlyStopping?.patience) && cfg.earlyStopping.patience >= 1)) throw bad('earlyStopping.patience', 'an integer ≥ 1', cfg.earlyStopping?.patience);
    num('earlyStopping.minDelta', cfg.earlyStopping.minDelta, 0);
  }
  if (cfg.step !== undefined && !['auto', 'fast', 'autodiff'].includes(cfg.step)) throw bad('step', 'auto, fast or autodiff', cfg.step);
  if (cfg.freeze !== undefined) checkParts(cfg.freeze, 'freeze');
  if (cfg.learningRates !== undefined) {
    if (typeof cfg.learningRates !== 'object' || cfg.learningRates === null || Array.isArray(cfg.learningRates)) throw bad('learningRates', 'an object of part → rate', cfg.learningRates);
    for (const [k, v] of Object.entries(cfg.learningRates)) num(`learningRates.${k}`, v, 0);
  }
  for (const k of ['checkpointDir', 'resumeFrom'] as const) if (cfg[k] !== undefined && (typeof cfg[k] !== 'string' || cfg[k] === '')) throw bad(k, 'a folder path', cfg[k]);
  if (cfg.anchor !== undefined) {
    if (typeof cfg.anchor !== 'object' || cfg.anchor === null || Array.isArray(cfg.anchor)) throw bad('anchor', 'an object { weight }', cfg.anchor);
    for (const k of Object.keys(cfg.anchor)) if (k !== 'weight') throw new Error(`train: anchor has an unknown key ${JSON.stringify(k)} (allowed: weight)`);
    if (cfg.anchor.weight === undefined) throw bad('anchor.weight', 'a number ≥ 0', undefined);
    num('anchor.weight', cfg.anchor.weight, 0);
    if (cfg.anchor.weight > 0 && cfg.resumeFrom !== undefined) throw new Error('train: anchor and resumeFrom exclude each other (the anchor\'s starting weights are not in a checkpoint)');
  }
  if (cfg.init !== undefined && cfg.resumeFrom !== undefined) throw new Error('train: init and resumeFrom exclude each other (resumeFrom restores the weights itself)');
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
  /** Whether the maxSeconds budget ended training (its last epoch may be partial). */
  outOfTime: boolean;
  seconds: number;
  msPerStep: number;
  /** The training step that ran, and why (see TrainConfig.step). */
  step: StepKind;
  stepReason: string;
  /** Epochs the run resumed after (resumeFrom), else 0. `history` holds all epochs, those included. */
  resumedAt: number;
  /** What `init` copied. */
  init?: InitReport;
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
export function evaluate(model: Seq2SeqModel, examples: readonly Example[], batchSize = 128): { loss: number; accuracy: number } {
  let loss = 0;
  let acc = 0;
  let tokens = 0;
  for (const b of batches(examples, { batchSize, seed: 0, shuffle: false, bucket: false })) {
    const [l, a, n] = readScalars(tf.tidy(() => {
      const { loss, accuracy } = teacherForcedLoss(model, b); // copy models: −log P(y) of the mixture, without the coverage term
      const n = tf.sum(b.targetMask.cast('float32'));
      return [tf.mul(loss, n), tf.mul(accuracy, n), n];
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
  /**
   * The optimizer's whole state for a checkpoint: the step count, its running scalars (Adam's β1^t and
   * β2^t as accumulated in float32, which tfjs' setWeights would recompute with pow() and so change) and
   * its per-weight slots, named `<names[i]>/<slot>` for the i-th variable it was given gradients for.
   * The tensors are copies: the caller disposes them.
   */
  exportState(names: readonly string[]): OptimizerState;
  /** Restores `exportState`'s state before the first step; `vars[i]` is the variable named `names[i]`. */
  importState(names: readonly string[], vars: readonly tf.Variable[], state: OptimizerState): void;
}

export interface OptimizerState {
  iterations: number;
  scalars: Record<string, tf.Tensor>;
  slots: Record<string, tf.Tensor>;
}

type Slot = { originalName: string; variable: tf.Variable };

/** RMSprop's: tfjs keeps per-variable slots in private arrays, by position; copies. */
function exportSlots(opt: object, fields: Record<string, string>, names: readonly string[]): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [field, slot] of Object.entries(fields)) {
    const arr = (opt as Record<string, Slot[] | undefined>)[field];
    if (!Array.isArray(arr)) throw new Error(`optimizer state: this tfjs version has no ${field} (the checkpoint code reads tfjs 4.22's optimizer fields)`);
    if (arr.length !== 0 && arr.length !== names.length) throw new Error(`optimizer state: ${arr.length} ${field} slots for ${names.length} weights`);
    arr.forEach((s, i) => (out[`${names[i]}/${slot}`] = s.variable.clone()));
  }
  return out;
}

function importSlots(opt: object, fields: Record<string, string>, names: readonly string[], vars: readonly tf.Variable[], slots: Record<string, tf.Tensor>): void {
  const o = opt as Record<string, Slot[]>;
  if (Object.keys(slots).length === 0) return; // a state from before the first step: slots are made on first use
  if (Object.keys(fields).some((f) => (o[f]?.length ?? 0) > 0)) throw new Error('optimizer state: restore it before the first step');
  const made: Slot[][] = [];
  try {
    for (const [field, slot] of Object.entries(fields)) {
      made.push(names.map((n, i) => {
        const t = slots[`${n}/${slot}`];
        if (!t) throw new Error(`optimizer state: no ${slot} slot for weight ${n}`);
        if (t.shape.join() !== vars[i].shape.join()) throw new Error(`optimizer state: the ${slot} slot of ${n} has shape [${t.shape}], the weight [${vars[i].shape}]`);
        return { originalName: `${vars[i].name}/${slot}`, variable: tf.variable(t, false) };
      }));
    }
  } catch (e) {
    for (const m of made) tf.dispose(m.map((s) => s.variable));
    throw e;
  }
  Object.keys(fields).forEach((f, k) => (o[f] = made[k]));
}

const RMSPROP_SLOTS = { accumulatedMeanSquares: 'rms', accumulatedMoments: 'momentum' };

class ScheduledAdam extends FlatAdam implements ScheduledOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
  exportState(names: readonly string[]): OptimizerState {
    const s = this.getState();
    if (s.moments.length !== 0 && s.moments.length !== names.length) throw new Error(`optimizer state: ${s.moments.length} weights' moments for ${names.length} names`);
    const slots: Record<string, tf.Tensor> = {};
    s.moments.forEach(({ m, v }, i) => Object.assign(slots, { [`${names[i]}/m`]: m, [`${names[i]}/v`]: v }));
    return { iterations: s.iterations, scalars: { accBeta1: s.accBeta1, accBeta2: s.accBeta2 }, slots };
  }
  importState(names: readonly string[], vars: readonly tf.Variable[], state: OptimizerState): void {
    for (const k of ['accBeta1', 'accBeta2'] as const) if (state.scalars[k]?.size !== 1) throw new Error(`optimizer state: Adam needs the scalar ${k}`);
    const hasSlots = Object.keys(state.slots).length > 0; // none: a state from before the first step
    const moments = hasSlots ? names.map((n, i) => {
      const [m, v] = (['m', 'v'] as const).map((slot) => {
        const t = state.slots[`${n}/${slot}`];
        if (!t) throw new Error(`optimizer state: no ${slot} slot for weight ${n}`);
        if (t.shape.join() !== vars[i].shape.join()) throw new Error(`optimizer state: the ${slot} slot of ${n} has shape [${t.shape}], the weight [${vars[i].shape}]`);
        return t;
      });
      return { m, v };
    }) : [];
    this.setState(vars.map((v) => v.name), vars.map((v) => v.shape), { iterations: state.iterations, accBeta1: state.scalars.accBeta1, accBeta2: state.scalars.accBeta2, moments });
  }
}
class ScheduledRMSProp extends tf.RMSPropOptimizer implements ScheduledOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
  exportState(names: readonly string[]): OptimizerState {
    return { iterations: this.iterations_, scalars: {}, slots: exportSlots(this, RMSPROP_SLOTS, names) };
  }
  importState(names: readonly string[], vars: readonly tf.Variable[], state: OptimizerState): void {
    importSlots(this, RMSPROP_SLOTS, names, vars, state.slots);
    this.iterations_ = state.iterations;
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

export async function train(model: Seq2SeqModel, data: { train: readonly Example[]; valid?: readonly Example[] }, cfg: TrainConfig): Promise<TrainResult> {
  validateTrainConfig(cfg);
  if (data.train.length === 0) throw new Error('train: no training examples');
  const baseRate = learningRateAt(cfg, 0);
  const { groups, frozen } = partGroups(model, { defaultRate: baseRate, rates: cfg.learningRates, freeze: cfg.freeze });
  const trainedVars = frozen.length ? groups.flatMap((g) => g.vars) : undefined; // frozen weights need no gradient
  const trainStep = makeTrainStep(model, cfg.step, { labelSmoothing: cfg.labelSmoothing, trained: trainedVars }); // before anything that would need disposing: it may refuse
  const frozenVars = new Set(frozen.map((n) => model.weights.read(n).name));
  const decay = cfg.lrDecay ?? 1;
  const optimizers: ScheduledOptimizer[] = [];
  const vars = model.trainableVariables;
  const names = model.weights.entries().map(([n]) => n);
  const clip = cfg.clipNorm ?? 5;
  const steps = Math.min(Math.ceil(data.train.length / cfg.batchSize), cfg.maxBatchesPerEpoch ?? Infinity);
  const hasValid = (data.valid?.length ?? 0) > 0;
  const settings: ResumeSettings = {
    seed: cfg.seed, batchSize: cfg.batchSize, optimizer: cfg.optimizer ?? 'adam', learningRate: baseRate, lrDecay: decay, clipNorm: clip,
    maxBatchesPerEpoch: cfg.maxBatchesPerEpoch ?? null, learningRates: cfg.learningRates ?? {}, freeze: cfg.freeze ?? [], step: trainStep.kind,
    warmup: cfg.warmup ?? null, labelSmoothing: cfg.labelSmoothing ?? 0, ...((cfg.anchor?.weight ?? 0) > 0 ? { anchor: cfg.anchor!.weight } : {}),
  };
  let history: EpochLog[] = [];
  let best = { epoch: -1, loss: Infinity, weights: undefined as tf.Tensor[] | undefined };
  let sinceBest = 0;
  let stoppedEarly = false;
  let outOfTime = false;
  let spentBefore = 0; // seconds of this run's finished epochs
  let startEpoch = 0;
  let init: InitReport | undefined;
  let fingerprint: ReturnType<typeof dataFingerprint> | undefined; // of the training data, hashed once per run
  const t0 = Date.now();
  let stepMs = 0;
  let stepCount = 0;
  let progress: ProgressReporter | undefined;
  let anchor: Anchor | undefined;
  try {
    for (const g of groups) optimizers.push(makeOptimizer(cfg, g.baseRate));
    if (cfg.init !== undefined) init = initFrom(model, cfg.init);
    if (cfg.resumeFrom !== undefined) {
      const restored = restoreCheckpoint(cfg.resumeFrom, { model, settings, data: data.train, groups, optimizers, epochs: cfg.epochs });
      ({ history, best, sinceBest, stoppedEarly } = restored);
      startEpoch = restored.epoch;
    }
    if ((cfg.anchor?.weight ?? 0) > 0) anchor = makeAnchor(groups.flatMap((g) => g.vars), cfg.anchor!.weight); // θ₀: after init
    progress = typeof cfg.progress === 'object' ? cfg.progress : createProgress(cfg.progress ?? 'auto');
    progress.start({ epochs: cfg.epochs, stepsPerEpoch: steps, title: `${cfg.title ? `${cfg.title} · ` : ''}${trainStep.label}` });
    for (let epoch = startEpoch; epoch < cfg.epochs && !stoppedEarly && !outOfTime; epoch++) {
      const e0 = Date.now();
      const learningRate = learningRateAt(cfg, epoch);
      groups.forEach((g, i) => optimizers[i].setLearningRate(g.baseRate * decay ** epoch));
      let lossSum = 0;
      let accSum = 0;
      let normSum = 0;
      let step = 0;
      for (const b of batches(data.train, { batchSize: cfg.batchSize, seed: cfg.seed, epoch })) {
        if (step >= steps) break;
        if (cfg.warmup !== undefined) {
          const factor = warmupFactor(epoch * steps + step + 1, cfg.warmup); // the global step, 1-based
          groups.forEach((g, i) => optimizers[i].setLearningRate(g.baseRate * decay ** epoch * factor));
        }
        const s0 = performance.now();
        const [loss, acc, norm] = readScalars(tf.tidy(() => {
          const { loss: value, accuracy, grads } = trainStep.run(b);
          const trained: tf.NamedTensorMap = {};
          for (const [k, g] of Object.entries(grads)) if (!frozenVars.has(k)) trained[k] = g;
          const pulled = anchor ? withAnchorGradients(trained, anchor) : trained;
          const clipped = clip > 0 ? clipByGlobalNorm(pulled, clip) : { grads: pulled, norm: tf.scalar(0) };
          groups.forEach((g, i) => {
            const own: tf.NamedTensorMap = {};
            for (const v of g.vars) {
              const t = clipped.grads[v.name];
              if (!t) throw new Error(`train: the ${trainStep.kind} step gave no gradient for ${v.name}`);
              own[v.name] = t;
            }
            optimizers[i].applyGradients(own); // in the group's weight order: the optimizer keeps its slots by position
          });
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
        if (cfg.maxSeconds !== undefined && spentBefore + (Date.now() - e0) / 1000 >= cfg.maxSeconds) {
          outOfTime = true;
          break;
        }
      }
      const log: EpochLog = { epoch: epoch + 1, loss: lossSum / step, accuracy: accSum / step, learningRate, seconds: (Date.now() - e0) / 1000, gradNorm: normSum / step };
      spentBefore += log.seconds;
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
      }
      if (cfg.checkpointDir !== undefined) {
        const states = groups.map((g, i) => optimizers[i].exportState(g.names));
        await saveCheckpoint(cfg.checkpointDir, {
          modelConfig: model.config, epoch: epoch + 1, settings, data: (fingerprint ??= dataFingerprint(data.train)), history,
          best: { epoch: best.epoch, loss: Number.isFinite(best.loss) ? best.loss : null, sinceBest, hasWeights: best.weights !== undefined }, stoppedEarly,
          optimizers: groups.map((g, i) => ({ key: g.key, names: g.names, iterations: states[i].iterations })),
        }, {
          weights: names.map((n, i) => [n, vars[i]]),
          best: best.weights?.map((t, i) => [names[i], t]),
          optimizers: states,
        }).finally(() => tf.dispose(states.map((st) => [...Object.values(st.scalars), ...Object.values(st.slots)])));
      }
    }
    if ((cfg.restoreBest ?? hasValid) && best.weights && best.epoch !== history.length) vars.forEach((v, i) => v.assign(best.weights![i]));
  } finally {
    tf.dispose(best.weights ?? []);
    disposeAnchor(anchor);
    for (const o of optimizers) o.dispose();
    trainStep.dispose();
  }
  const seconds = (Date.now() - t0) / 1000;
  progress.end(`best epoch ${best.epoch}${stoppedEarly ? ' (stopped early)' : ''}${outOfTime ? ` (time budget of ${cfg.maxSeconds} s reached)` : ''}`);
  return { history, bestEpoch: best.epoch, bestValLoss: best.loss, stoppedEarly, outOfTime, seconds, msPerStep: stepMs / Math.max(stepCount, 1), step: trainStep.kind, stepReason: trainStep.reason, resumedAt: startEpoch, ...(init ? { init } : {}) };
}
