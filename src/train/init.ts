// Starting from a trained model: its weights copied into a new model, whose vocabularies may have grown.
//
// Why grow the vocabulary rather than share one subword vocabulary: a word- or character-level model
// trained on one domain meets words of the new domain it has no row for. A shared subword (BPE)
// vocabulary avoids that only if it was learned with the new domain in view; learned on the old domain
// alone, its merges split the new words into many short pieces the model was not trained on, and
// relearning the merges would change the meaning of every row. Growing keeps every old token's row exactly
// (the trained knowledge) and gives each new token a fresh row, initialised as a fresh model would, which
// fine-tuning then trains. With BPE models, the same works for new pieces: `extendVocabulary` over the
// new domain's pieces under the old merges.
import type { Tokenizer } from '../data';
import { SPECIALS, Vocabulary, type VocabOptions } from '../data';
import { readModelFolder, type ModelBundle, type ModelConfig, type Seq2SeqModel } from '../seq2seq';
import { tf } from '../tf';
import { differences } from './checkpoint';

/**
 * `old`'s tokens with their ids unchanged, followed by the tokens of `sequences` it lacks, most frequent
 * first (ties by code point, as `Vocabulary.build`); `minFreq` applies to the new tokens, `maxSize` to the
 * whole vocabulary (it may not drop old tokens).
 */
export function extendVocabulary(old: Vocabulary, sequences: Iterable<readonly string[]>, opts: VocabOptions = {}): Vocabulary {
  const max = opts.maxSize ?? Infinity;
  if (max < old.size) throw new Error(`extendVocabulary: maxSize ${max} is smaller than the old vocabulary (${old.size} tokens), whose tokens are all kept`);
  const grown = Vocabulary.build(sequences, { minFreq: opts.minFreq });
  const added = grown.tokens.slice(SPECIALS.length).filter((t) => !old.has(t));
  return Vocabulary.fromJSON({ format: 'attention-workbook/vocabulary@1', tokens: [...old.tokens, ...added.slice(0, max - old.size)] });
}

/** Grows a bundle's vocabularies with the new domain's texts, tokenized by the bundle's tokenizers. */
export function extendBundleVocabularies(b: { sourceVocab: Vocabulary; targetVocab: Vocabulary; sourceTokenizer: Tokenizer; targetTokenizer: Tokenizer }, pairs: readonly { source: string; target: string }[], opts: VocabOptions = {}): { sourceVocab: Vocabulary; targetVocab: Vocabulary } {
  return {
    sourceVocab: extendVocabulary(b.sourceVocab, pairs.map((p) => b.sourceTokenizer.tokenize(p.source)), opts),
    targetVocab: extendVocabulary(b.targetVocab, pairs.map((p) => b.targetTokenizer.tokenize(p.target)), opts),
  };
}

export interface InitSource {
  /** A model folder (saveModel) or a loaded bundle. */
  from: string | ModelBundle;
  /** The new model's vocabularies: rows are carried over by token; needed when the sizes differ. */
  sourceVocab?: Vocabulary;
  targetVocab?: Vocabulary;
}

export interface InitReport {
  from: string;
  /** weights copied whole */
  copied: string[];
  /** per side: old rows kept, new rows (freshly initialised), old tokens the new vocabulary lacks */
  source: { kept: number; added: number; dropped: number };
  target: { kept: number; added: number; dropped: number };
}

/** For each new id, the old id of the same token, or -1. */
function rowMap(oldTokens: readonly string[], newTokens: readonly string[]): number[] {
  const ids = new Map(oldTokens.map((t, i) => [t, i]));
  return newTokens.map((t) => ids.get(t) ?? -1);
}

/** `fresh` with the entries along `axis` (0: rows, 1: columns of a matrix) for which map[j] ≥ 0 taken from `old`'s map[j]. */
function carry(old: tf.Tensor, fresh: tf.Tensor, map: number[], axis: 0 | 1): Float32Array {
  const o = old.dataSync();
  const out = Float32Array.from(fresh.dataSync());
  if (axis === 0) {
    const w = fresh.size / fresh.shape[0];
    map.forEach((i, j) => { if (i >= 0) out.set(o.subarray(i * w, (i + 1) * w), j * w); });
  } else {
    const [rows, cols] = fresh.shape;
    const oldCols = old.shape[1]!;
    for (let r = 0; r < rows; r++) map.forEach((i, j) => { if (i >= 0) out[r * cols + j] = o[r * oldCols + i]; });
  }
  return out;
}

/**
 * Copies a trained model's weights into `model`. The configs must agree except for the vocabulary sizes
 * and the seed (a difference is an error naming it). With new vocabularies, the embedding rows and the
 * output layer's columns (output/kernel [u, V], output/bias [V]) are carried over by token string: old
 * tokens keep their values bit for bit, new tokens keep `model`'s own fresh initialisation. Without, the
 * vocabulary sizes must be equal and everything is copied.
 */
export function initFrom(model: Seq2SeqModel, source: string | InitSource): InitReport {
  const src: InitSource = typeof source === 'string' ? { from: source } : source;
  const label = typeof src.from === 'string' ? src.from : 'the given model';
  let config: ModelConfig;
  let oldSource: readonly string[];
  let oldTarget: readonly string[];
  let weights: tf.NamedTensorMap;
  let owned = false;
  if (typeof src.from === 'string') {
    const r = readModelFolder(src.from);
    config = r.topology.config;
    oldSource = r.topology.sourceVocab.tokens;
    oldTarget = r.topology.targetVocab.tokens;
    weights = r.weights;
    owned = true;
  } else {
    config = src.from.model.config;
    oldSource = src.from.sourceVocab.tokens;
    oldTarget = src.from.targetVocab.tokens;
    weights = Object.fromEntries(src.from.model.weights.entries());
  }
  try {
    const strip = ({ sourceVocabSize: _s, targetVocabSize: _t, seed: _d, ...rest }: ModelConfig) => rest;
    const diff = differences(strip(config), strip(model.config), ['trained model', 'this model']);
    if (diff.length) throw new Error(`init: ${label} has another model config (${diff.join('; ')}); only the vocabularies may differ`);
    const side = (which: 'source' | 'target', old: readonly string[], vocab: Vocabulary | undefined, size: number) => {
      if (!vocab) {
        if (old.length !== size) throw new Error(`init: ${label} has a ${which} vocabulary of ${old.length} tokens, this model ${size}; pass the new ${which}Vocab to carry rows over by token`);
        return old.map((_, i) => i);
      }
      if (vocab.size !== size) throw new Error(`init: the ${which}Vocab given has ${vocab.size} tokens, this model's ${which}VocabSize is ${size}`);
      return rowMap(old, vocab.tokens);
    };
    const sMap = side('source', oldSource, src.sourceVocab, model.config.sourceVocabSize);
    const tMap = side('target', oldTarget, src.targetVocab, model.config.targetVocabSize);
    const mapped: Record<string, { map: number[]; axis: 0 | 1 }> = {
      'encoder/embedding': { map: sMap, axis: 0 },
      'decoder/embedding': { map: tMap, axis: 0 },
      'output/kernel': { map: tMap, axis: 1 },
      'output/bias': { map: tMap, axis: 0 },
    };
    const values: [tf.Variable, tf.Tensor][] = [];
    const copied: string[] = [];
    try {
      for (const [name, v] of model.weights.entries()) {
        const w = weights[name];
        if (!w) throw new Error(`init: ${label} has no weight ${name}`);
        const m = mapped[name];
        if (m) {
          values.push([v, tf.tensor(carry(w, v, m.map, m.axis), v.shape)]);
        } else {
          if (w.shape.join() !== v.shape.join()) throw new Error(`init: weight ${name} has shape [${w.shape}] in ${label}, this model expects [${v.shape}]`);
          values.push([v, w]);
          copied.push(name);
        }
      }
      for (const [v, t] of values) v.assign(t); // all checked first: a refused init changes nothing
    } finally {
      tf.dispose(values.filter(([, t]) => !Object.values(weights).includes(t)).map(([, t]) => t));
    }
    const count = (map: number[], old: readonly string[]) => {
      const kept = map.filter((i) => i >= 0).length;
      return { kept, added: map.length - kept, dropped: old.length - kept };
    };
    return { from: label, copied, source: count(sMap, oldSource), target: count(tMap, oldTarget) };
  } finally {
    if (owned) tf.dispose(Object.values(weights));
  }
}
