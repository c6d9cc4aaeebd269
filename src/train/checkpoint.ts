// Training checkpoints: everything `train` needs to continue exactly where it stopped. A checkpoint is a
// folder, replaced atomically at every save (../atomic-folder): checkpoint.json (the model config, the
// epoch, the settings that fix the run's numbers, the history, the best epoch, the optimizers' step
// counts, a fingerprint of the training data, the tensor manifest and its SHA-256) and checkpoint.bin
// (the weights, the best epoch's weights, and every optimizer's moments and running scalars).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFolderAtomically, recoverFolder } from '../atomic-folder';
import type { Example } from '../data';
import type { ModelConfig, Seq2SeqModel } from '../seq2seq';
import { tf } from '../tf';
import { encodeWeightsFile, readWeightsFile, type WeightSpec } from '../weights-file';
import type { ModelPart, PartGroup } from './parts';
import type { EpochLog, OptimizerState, ScheduledOptimizer } from './trainer';

export const CHECKPOINT_FORMAT = 'attention-workbook/train-checkpoint@1';

/** The settings that decide a run's numbers: a resume must ask for the same ones. */
export interface ResumeSettings {
  seed: number;
  batchSize: number;
  optimizer: 'adam' | 'rmsprop';
  learningRate: number;
  lrDecay: number;
  clipNorm: number;
  maxBatchesPerEpoch: number | null;
  learningRates: Partial<Record<ModelPart, number>>;
  freeze: ModelPart[];
  step: 'fast' | 'autodiff';
  /** warm-up steps (null: none) */
  warmup: number | null;
  labelSmoothing: number;
  /** the anchor's weight λ, when training pulled toward its starting weights (a run with one cannot be resumed) */
  anchor?: number;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  modelConfig: ModelConfig;
  /** epochs completed */
  epoch: number;
  settings: ResumeSettings;
  data: { examples: number; sha256: string };
  history: EpochLog[];
  /** loss null: no best yet (JSON has no Infinity) */
  best: { epoch: number; loss: number | null; sinceBest: number; hasWeights: boolean };
  stoppedEarly: boolean;
  /** one per optimizer (part group), with the weights it trains in the order its slots are kept */
  optimizers: { key: string; names: string[]; iterations: number }[];
  weightSpecs: WeightSpec[];
  sha256: string;
}

/** A fingerprint of the training examples (their ids, in order): a resume on other data is refused. */
export function dataFingerprint(examples: readonly Example[]): { examples: number; sha256: string } {
  const h = createHash('sha256');
  for (const e of examples) h.update(`${e.source.join(',')}|${e.target.join(',')}\n`);
  return { examples: examples.length, sha256: h.digest('hex') };
}

export interface CheckpointTensors {
  weights: [string, tf.Tensor][];
  best?: [string, tf.Tensor][];
  optimizers: OptimizerState[];
}

export async function saveCheckpoint(dir: string, meta: Omit<CheckpointMeta, 'format' | 'weightSpecs' | 'sha256'>, t: CheckpointTensors): Promise<void> {
  const named: { name: string; tensor: tf.Tensor }[] = [
    ...t.weights.map(([n, tensor]) => ({ name: `model/${n}`, tensor })),
    ...(t.best ?? []).map(([n, tensor]) => ({ name: `best/${n}`, tensor })),
  ];
  meta.optimizers.forEach((o, i) => {
    const s = t.optimizers[i];
    for (const [k, tensor] of Object.entries(s.scalars)) named.push({ name: `optimizer/${o.key}/${k}`, tensor });
    for (const [k, tensor] of Object.entries(s.slots)) named.push({ name: `optimizer/${o.key}/${k}`, tensor });
  });
  const { bytes, specs, sha256 } = await encodeWeightsFile(named);
  const full: CheckpointMeta = { format: CHECKPOINT_FORMAT, ...meta, weightSpecs: specs, sha256 };
  writeFolderAtomically(dir, { 'checkpoint.bin': bytes, 'checkpoint.json': JSON.stringify(full, null, 1) + '\n' }, { marker: 'checkpoint.json', what: 'saveCheckpoint' });
}

/** Reads and verifies a checkpoint: a missing, truncated or altered file is refused, naming it. The caller disposes `tensors`. */
export function readCheckpoint(dir: string): { meta: CheckpointMeta; tensors: tf.NamedTensorMap } {
  const recovered = recoverFolder(dir);
  if (recovered) console.warn(`resume: ${recovered}`);
  const file = path.resolve(dir, 'checkpoint.json');
  if (!fs.existsSync(file)) throw new Error(`resume: no training checkpoint at ${dir} (expected ${file}; train with checkpointDir to write one)`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`resume: ${file} is not valid JSON (corrupt?): ${(e as Error).message}`);
  }
  if (meta?.format !== CHECKPOINT_FORMAT) throw new Error(`resume: ${file} is not a training checkpoint (format ${JSON.stringify(meta?.format)}, expected ${CHECKPOINT_FORMAT})`);
  const bin = path.resolve(dir, 'checkpoint.bin');
  return { meta, tensors: readWeightsFile(bin, file, meta.weightSpecs, { who: 'resume', what: 'the checkpoint is', sha256: meta.sha256 }) };
}

/** "key: a ≠ b" for every key where the two objects differ (JSON-compared; a missing key is undefined). */
export function differences(a: object, b: object, labels: [string, string]): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const out: string[] = [];
  for (const k of keys) {
    const x = JSON.stringify((a as Record<string, unknown>)[k]);
    const y = JSON.stringify((b as Record<string, unknown>)[k]);
    if (x !== y) out.push(`${k}: ${labels[0]} ${x ?? 'unset'}, ${labels[1]} ${y ?? 'unset'}`);
  }
  return out;
}

/**
 * Refuses, saying what differs, a checkpoint that this run cannot continue exactly: another model config
 * (the seed aside: the weights come from the checkpoint), other settings, other training data, or other
 * optimizer groups.
 */
export function checkResumable(dir: string, meta: CheckpointMeta, model: Seq2SeqModel, settings: ResumeSettings, data: readonly Example[], groups: { key: string; names: string[] }[]): void {
  const { seed: _a, ...ckModel } = meta.modelConfig;
  const { seed: _b, ...thisModel } = model.config;
  const m = differences(ckModel, thisModel, ['checkpoint', 'this model']);
  if (m.length) throw new Error(`resume: ${dir} was saved from another model config (${m.join('; ')})`);
  const dropout = model.config.kind === 'transformer' ? (model.config.dropout ?? 0.1) : 0;
  if (dropout > 0) {
    throw new Error(`resume: ${dir}: a Transformer with dropout ${dropout} cannot continue exactly (its dropout masks follow a count of calls that the checkpoint does not hold); train with dropout 0 to resume, or start a new run from its weights with init`);
  }
  const s = differences(meta.settings, settings, ['checkpoint', 'this run']);
  if (s.length) throw new Error(`resume: ${dir} was trained with other settings, so the run would not continue exactly (${s.join('; ')}); use init to start a new run from its weights instead`);
  const d = dataFingerprint(data);
  if (d.examples !== meta.data.examples || d.sha256 !== meta.data.sha256) {
    throw new Error(`resume: ${dir} was trained on other data (${meta.data.examples} training examples with SHA-256 ${meta.data.sha256.slice(0, 12)}…, this run has ${d.examples} with ${d.sha256.slice(0, 12)}…)`);
  }
  const g = JSON.stringify(groups.map((x) => [x.key, x.names]));
  if (g !== JSON.stringify(meta.optimizers.map((x) => [x.key, x.names]))) throw new Error(`resume: ${dir} has optimizers for ${meta.optimizers.map((o) => o.key).join(', ')}; this run has ${groups.map((o) => o.key).join(', ')}`);
}

/** What a resumed run takes over from its checkpoint. */
export interface RestoredRun {
  /** epochs completed */
  epoch: number;
  history: EpochLog[];
  /** the best epoch so far; its weights are new tensors, the caller's to dispose */
  best: { epoch: number; loss: number; weights: tf.Tensor[] | undefined };
  sinceBest: number;
  stoppedEarly: boolean;
}

/**
 * Continues a run from the checkpoint in `dir`: refuses it, saying what differs, unless this run can continue it
 * exactly (`checkResumable`) and asks for more than its `epochs` done; then puts its weights into `model` and each
 * part group's optimizer state into `optimizers[i]`, and returns where the run stood.
 */
export function restoreCheckpoint(
  dir: string,
  run: { model: Seq2SeqModel; settings: ResumeSettings; data: readonly Example[]; groups: readonly PartGroup[]; optimizers: readonly ScheduledOptimizer[]; epochs: number },
): RestoredRun {
  const { meta, tensors } = readCheckpoint(dir);
  try {
    checkResumable(dir, meta, run.model, run.settings, run.data, [...run.groups]);
    if (meta.epoch >= run.epochs) throw new Error(`train: ${dir} has ${meta.epoch} epochs done; ask for more epochs than that to continue (epochs counts them all)`);
    const get = (name: string) => {
      const t = tensors[name];
      if (!t) throw new Error(`resume: ${dir} has no tensor ${name}`);
      return t;
    };
    const names = run.model.weights.entries().map(([n]) => n);
    const vars = run.model.trainableVariables;
    names.forEach((n, i) => {
      if (get(`model/${n}`).shape.join() !== vars[i].shape.join()) throw new Error(`resume: weight ${n} has shape [${get(`model/${n}`).shape}] in ${dir}, the model [${vars[i].shape}]`);
    });
    run.groups.forEach((g, i) => {
      const prefix = `optimizer/${g.key}/`;
      const own = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      const scalars = Object.fromEntries(Object.entries(own).filter(([k]) => !k.includes('/')));
      const slots = Object.fromEntries(Object.entries(own).filter(([k]) => k.includes('/')));
      run.optimizers[i].importState(g.names, g.vars, { iterations: meta.optimizers[i].iterations, scalars, slots });
    });
    names.forEach((n, i) => vars[i].assign(get(`model/${n}`))); // last: a checkpoint refused above leaves the model as it was
    return {
      epoch: meta.epoch,
      history: meta.history,
      best: { epoch: meta.best.epoch, loss: meta.best.loss ?? Infinity, weights: meta.best.hasWeights ? names.map((n) => get(`best/${n}`).clone()) : undefined },
      sinceBest: meta.best.sinceBest,
      stoppedEarly: meta.stoppedEarly,
    };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
