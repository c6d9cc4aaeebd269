// The parts of a seq2seq model, by weight name: what fine-tuning freezes or gives its own learning rate.
import type { Seq2SeqModel } from '../seq2seq';
import type { tf } from '../tf';

export const MODEL_PARTS = ['embeddings', 'encoder', 'attention', 'decoderCell', 'output'] as const;
/**
 * embeddings: encoder/embedding and decoder/embedding; encoder: the encoder's cells or convolutions and
 * its bridge to the decoder's initial state; attention: attention/* (scores) and luong/* (the attentional
 * state h̃); decoderCell: decoder/cell/*; output: output/kernel and output/bias (the softmax layer).
 */
export type ModelPart = (typeof MODEL_PARTS)[number];

/** The part a weight (by its short name, e.g. 'decoder/cell/kernel') belongs to. */
export function partOf(name: string): ModelPart {
  if (name === 'encoder/embedding' || name === 'decoder/embedding') return 'embeddings';
  if (name.startsWith('encoder/')) return 'encoder';
  if (name.startsWith('attention/') || name.startsWith('luong/')) return 'attention';
  if (name.startsWith('decoder/cell/')) return 'decoderCell';
  if (name.startsWith('output/')) return 'output';
  throw new Error(`partOf: weight ${JSON.stringify(name)} belongs to no model part (${MODEL_PARTS.join(', ')})`);
}

export function checkParts(parts: unknown, key: string): ModelPart[] {
  if (!Array.isArray(parts)) throw new Error(`train: ${key} must be a list of model parts (${MODEL_PARTS.join(', ')}), not ${JSON.stringify(parts)}`);
  for (const p of parts) if (!(MODEL_PARTS as readonly string[]).includes(p)) throw new Error(`train: ${key} names an unknown model part ${JSON.stringify(p)} (parts: ${MODEL_PARTS.join(', ')})`);
  return parts as ModelPart[];
}

/** One optimizer's share of the model: the weights trained at the same base learning rate. */
export interface PartGroup {
  /** e.g. "embeddings+encoder" */
  key: string;
  parts: ModelPart[];
  baseRate: number;
  /** short weight names, in the model's weight order */
  names: string[];
  vars: tf.Variable[];
}

/**
 * The model's weights grouped for training: frozen parts in no group; the others grouped by base learning
 * rate (`rates[part]`, else `defaultRate`), one optimizer per group. Adam divides each gradient by its own
 * running scale, so scaling a part's gradients would not change its step: a part's rate has to be its
 * optimizer's rate. Without per-part rates and freezing there is one group, the whole model.
 */
export function partGroups(model: Seq2SeqModel, opts: { defaultRate: number; rates?: Partial<Record<ModelPart, number>>; freeze?: readonly ModelPart[] }): { groups: PartGroup[]; frozen: string[] } {
  const rates = opts.rates ?? {};
  for (const [part, r] of Object.entries(rates)) {
    if (!(MODEL_PARTS as readonly string[]).includes(part)) throw new Error(`train: learningRates names an unknown model part ${JSON.stringify(part)} (parts: ${MODEL_PARTS.join(', ')})`);
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) throw new Error(`train: learningRates.${part} must be a number ≥ 0, not ${JSON.stringify(r)}`);
  }
  const freeze = new Set(checkParts(opts.freeze ?? [], 'freeze'));
  const byRate = new Map<number, PartGroup>();
  const frozen: string[] = [];
  for (const [name, v] of model.weights.entries()) {
    const part = partOf(name);
    if (freeze.has(part)) {
      frozen.push(name);
      continue;
    }
    const rate = rates[part] ?? opts.defaultRate;
    let g = byRate.get(rate);
    if (!g) byRate.set(rate, (g = { key: '', parts: [], baseRate: rate, names: [], vars: [] }));
    if (!g.parts.includes(part)) g.parts.push(part);
    g.names.push(name);
    g.vars.push(v);
  }
  const groups = [...byRate.values()];
  for (const g of groups) g.key = MODEL_PARTS.filter((p) => g.parts.includes(p)).join('+');
  if (groups.length === 0) throw new Error(`train: every part of the model is frozen (${[...freeze].join(', ')}); nothing would train`);
  return { groups, frozen };
}
