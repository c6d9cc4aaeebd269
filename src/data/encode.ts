// From text pairs to id sequences: tokenize both sides, build vocabularies on the training split.
import type { Pair } from './corpus';
import type { Example } from './batch';
import type { Tokenizer } from './tokenize';
import { Vocabulary, VocabOptions } from './vocab';

export interface EncodedSplits {
  sourceVocab: Vocabulary;
  targetVocab: Vocabulary;
  train: Example[];
  valid: Example[];
  test: Example[];
}

/** Vocabulary options for both sides, with `source` and `target` overriding them for one side. */
export interface SplitVocabOptions extends VocabOptions {
  source?: VocabOptions;
  target?: VocabOptions;
}

/**
 * Tokenizes every pair, builds both vocabularies from the TRAINING pairs only (so unknown words
 * in valid/test map to <unk>, as they would for a user), and encodes all three splits.
 */
export function encodeSplits(
  splits: { train: readonly Pair[]; valid: readonly Pair[]; test: readonly Pair[] },
  tokenizers: { source: Tokenizer; target: Tokenizer },
  vocab: SplitVocabOptions = {},
  /** Vocabularies to encode with instead of building them (see encodePairs). */
  given?: { source: Vocabulary; target: Vocabulary },
): EncodedSplits {
  const tok = (ps: readonly Pair[]) => ps.map((p) => ({ source: tokenizers.source.tokenize(p.source), target: tokenizers.target.tokenize(p.target) }));
  const train = tok(splits.train);
  const { source: sourceOpts, target: targetOpts, ...both } = vocab;
  const sourceVocab = given?.source ?? Vocabulary.build(train.map((t) => t.source), { ...both, ...sourceOpts });
  const targetVocab = given?.target ?? Vocabulary.build(train.map((t) => t.target), { ...both, ...targetOpts });
  const enc = (ts: { source: string[]; target: string[] }[]): Example[] =>
    ts.map((t) => ({ source: sourceVocab.encode(t.source), target: targetVocab.encode(t.target) }));
  return { sourceVocab, targetVocab, train: enc(train), valid: enc(tok(splits.valid)), test: enc(tok(splits.test)) };
}

/**
 * Pairs encoded with given tokenizers and vocabularies (e.g. a trained model's bundle, to fine-tune it on a new
 * domain's text): tokens the vocabularies lack become <unk>.
 */
export function encodePairs(pairs: readonly Pair[], b: { sourceTokenizer: Tokenizer; targetTokenizer: Tokenizer; sourceVocab: Vocabulary; targetVocab: Vocabulary }): Example[] {
  return encodeSplits({ train: [], valid: pairs, test: [] }, { source: b.sourceTokenizer, target: b.targetTokenizer }, {}, { source: b.sourceVocab, target: b.targetVocab }).valid;
}
