// The extended vocabulary of a copy (pointer-generator) model (See, Liu & Manning 2017): source words the target
// vocabulary lacks get temporary ids after it, per example, so the decoder can produce them by copying.
//
// For one example with target vocabulary size V and source tokens x_1 … x_S:
//   oovs = the distinct source tokens not in the target vocabulary, in order of first occurrence;
//   ext(w) = targetVocab.id(w) if the target vocabulary has w, else V + (index of w in oovs);
//   sourceExt_j = ext(x_j);  targetExt_t = ext(y_t) if y_t is in the vocabulary or in oovs, else <unk>.
// A batch's extended vocabulary has V + max_i |oovs_i| entries: row i uses the first V + |oovs_i|, the rest have
// probability 0. Ids are per example (as See et al.'s article_oovs), so an example means the same whatever batch it
// is in, and a beam over one source needs nothing from the others.
import type { Example } from './batch';
import type { Pair } from './corpus';
import type { Tokenizer } from './tokenize';
import { EOS_ID, UNK_ID, Vocabulary } from './vocab';

/** An example's copy ids: the source and target in extended ids, and the words the ids past V stand for. */
export interface CopyIds {
  /** the source tokens in extended target-vocabulary ids, one per source token */
  sourceExt: number[];
  /** the target tokens in extended ids (a target word neither in the vocabulary nor in the source: <unk>) */
  targetExt: number[];
  /** oovs[k] is the word of extended id V + k */
  oovs: string[];
}

/** The extended ids of one example's tokens (see the file comment); `target` may be omitted (decoding). */
export function copyIds(source: readonly string[], target: readonly string[], targetVocab: Vocabulary): CopyIds {
  const V = targetVocab.size;
  const oovs: string[] = [];
  const slot = new Map<string, number>();
  const sourceExt = source.map((w) => {
    if (targetVocab.has(w)) return targetVocab.id(w);
    let k = slot.get(w);
    if (k === undefined) slot.set(w, (k = oovs.push(w) - 1));
    return V + k;
  });
  const targetExt = target.map((w) => {
    if (targetVocab.has(w)) return targetVocab.id(w);
    const k = slot.get(w);
    return k === undefined ? UNK_ID : V + k;
  });
  return { sourceExt, targetExt, oovs };
}

/**
 * Examples for a copy model: each (tokenised) pair encoded with the vocabularies (`source`, `target`: unknown words
 * <unk>, as encodeSplits does) plus its copy ids. Examples with copy ids train and evaluate copy and plain models
 * alike: a plain model reads `source`/`target` only.
 */
export function copyExamples(pairs: readonly { source: readonly string[]; target: readonly string[] }[], vocab: { source: Vocabulary; target: Vocabulary }): Example[] {
  return pairs.map((p) => ({ source: vocab.source.encode(p.source), target: vocab.target.encode(p.target), ...copyIds(p.source, p.target, vocab.target) }));
}

/**
 * A task's splits (prepareTask) with copy ids: each pair tokenised by the task's tokenizers and encoded by
 * copyExamples, so `source`/`target` are the ids encodeSplits gives and the copy ids come with them.
 */
export function copySplits(task: {
  dataset: { train: readonly Pair[]; valid: readonly Pair[]; test: readonly Pair[] };
  sourceTokenizer: Tokenizer;
  targetTokenizer: Tokenizer;
  sourceVocab: Vocabulary;
  targetVocab: Vocabulary;
}): { train: Example[]; valid: Example[]; test: Example[] } {
  const enc = (ps: readonly Pair[]) => copyExamples(ps.map((p) => ({ source: task.sourceTokenizer.tokenize(p.source), target: task.targetTokenizer.tokenize(p.target) })), { source: task.sourceVocab, target: task.targetVocab });
  return { train: enc(task.dataset.train), valid: enc(task.dataset.valid), test: enc(task.dataset.test) };
}

/**
 * Tokens for extended ids: ids below V as Vocabulary.decode reads them (stops at </s>, drops <pad> and <s>), id V + k
 * as oovs[k], the source word it was copied from.
 */
export function decodeExtended(vocab: Vocabulary, ids: readonly number[], oovs: readonly string[]): string[] {
  const V = vocab.size;
  const out: string[] = [];
  for (const id of ids) {
    if (id < V) {
      if (id === EOS_ID) break;
      out.push(...vocab.decode([id]));
      continue;
    }
    const w = oovs[id - V];
    if (w === undefined) throw new Error(`decodeExtended: id ${id} is past the extended vocabulary (${V} + ${oovs.length} source words)`);
    out.push(w);
  }
  return out;
}
