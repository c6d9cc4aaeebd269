// The bundled datasets ready for a model: the tokenizers each one is meant for, vocabularies built
// on its training split, and id sequences for all three splits.
import type { Pair } from './corpus';
import { Dataset, DatasetName, loadDataset } from './datasets';
import { encodeSplits, EncodedSplits, SplitVocabOptions } from './encode';
import { learnBpe } from './bpe';
import { bpeTokenizer, charTokenizer, countWords, fitBpeTokenizer, makeTokenizer, Tokenizer, TokenizerOptions, wordTokenizer } from './tokenize';

export interface Task extends EncodedSplits {
  dataset: Dataset;
  sourceTokenizer: Tokenizer;
  targetTokenizer: Tokenizer;
}

/** Subwords for a task: BPE merges learned on the training split only (valid and test never seen). */
export interface TaskBpeOptions {
  type: 'bpe';
  /** How many merges to learn. */
  merges: number;
  /**
   * true (default): one list of merges learned on the source and target words together (Sennrich et al.'s
   * "joint BPE"), so a name, number or acronym that appears on both sides is split the same way on both and can
   * be copied piece by piece; false: each side learns its own merges on its own words.
   */
  joint?: boolean;
  /** Stop learning when the best pair occurs fewer times than this (default 2). */
  minFrequency?: number;
}

export interface TaskOptions {
  /** Debian datasets and stories: keep only pairs of this kind (debian-en-fr: 'synopsis' or 'paragraph'; stories: a StoryKind). */
  kind?: string;
  /** Split words into BPE subwords (the word tokenizer's options of the dataset are kept). */
  tokenizer?: TaskBpeOptions;
  /** Lower-case both sides (the tokenizers' `lowercase`, saved with a model, so its input is lower-cased too). */
  lowercase?: boolean;
  /**
   * Cut every source to its first N tokens of the source tokenizer (firstTokens), as chapter 10 cuts the Debian
   * paragraphs to 40 words; BPE merges are learned before the cut. A model trained so should read its input cut alike.
   */
  sourceTokens?: number;
  /** Vocabulary size or frequency limits, for both sides or per side (`{ source: { maxSize: 8000 }, target: { maxSize: 4000 } }`). */
  vocab?: SplitVocabOptions;
}

/** A text cut to its first `n` tokens and written back (the whole text when it has no more than n). */
export function firstTokens(tokenizer: Tokenizer, text: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`firstTokens: n must be a positive integer, received ${JSON.stringify(n)}`);
  return tokenizer.detokenize(tokenizer.tokenize(text).slice(0, n));
}

/** Characters for dates and reversal; words with digits split for the phrases (Intl.Segmenter for zh); words for the Debian texts and the stories. */
export function tokenizersFor(name: DatasetName): { source: Tokenizer; target: Tokenizer } {
  if (name === 'dates' || name === 'reverse') return { source: charTokenizer(), target: charTokenizer() };
  if (name === 'debian-en-fr') return { source: wordTokenizer(), target: wordTokenizer({ locale: 'fr' }) };
  if (name === 'debian-summaries' || name === 'stories') return { source: wordTokenizer(), target: wordTokenizer() };
  if (name === 'phrases-fr') return { source: wordTokenizer({ splitDigits: true }), target: wordTokenizer({ locale: 'fr', splitDigits: true }) };
  return { source: wordTokenizer({ splitDigits: true }), target: wordTokenizer({ locale: 'zh', splitDigits: true }) };
}

/** The word tokenizer's options of a word tokenizer (what BPE builds on); an error for any other kind. */
function wordOptions(name: DatasetName, side: string, t: Tokenizer): TokenizerOptions {
  if (t.spec.type !== 'word') throw new Error(`prepareTask: BPE splits words, but "${name}" is tokenized by ${t.kind} on the ${side} side`);
  const { type: _type, ...opts } = t.spec;
  return opts;
}

/**
 * BPE tokenizers for a dataset, learned on its training pairs only: on the words of both sides together
 * (`joint`, default) or each side on its own words. Each side keeps its word tokenizer's options
 * (e.g. `locale: 'fr'` for French), so the two tokenizers share the merges but not necessarily the word split.
 */
export function bpeTokenizersFor(name: DatasetName, train: readonly Pair[], opts: TaskBpeOptions, base = tokenizersFor(name)): { source: Tokenizer; target: Tokenizer } {
  if (opts?.type !== 'bpe') throw new Error(`prepareTask: tokenizer.type must be 'bpe', received ${JSON.stringify((opts as { type?: unknown })?.type)}`);
  const src = wordOptions(name, 'source', base.source);
  const tgt = wordOptions(name, 'target', base.target);
  const { merges, minFrequency } = opts;
  if (opts.joint === false) {
    return {
      source: fitBpeTokenizer(train.map((p) => p.source), { ...src, merges, minFrequency }),
      target: fitBpeTokenizer(train.map((p) => p.target), { ...tgt, merges, minFrequency }),
    };
  }
  const counts = new Map<string, number>(); // both sides' words: one set of merges
  for (const p of train) {
    countWords(base.source, p.source, counts);
    countWords(base.target, p.target, counts);
  }
  if (counts.size === 0) throw new Error(`prepareTask: the training split of "${name}" holds no words to learn BPE merges from`);
  const learned = learnBpe(counts, { merges, minFrequency });
  return { source: bpeTokenizer({ ...src, merges: learned }), target: bpeTokenizer({ ...tgt, merges: learned }) };
}

/**
 * A dataset tokenized and encoded: `opts.kind` keeps one kind of Debian pair; `opts.tokenizer` ({ type: 'bpe',
 * merges }) splits words into subwords learned on the training split (see bpeTokenizersFor); `lowercase`,
 * `sourceTokens` and `vocab` as in TaskOptions (the dataset's pairs are the cut ones then).
 */
export function prepareTask(name: DatasetName, opts: TaskOptions = {}): Task {
  const { sourceTokens: n, lowercase } = opts;
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new Error(`prepareTask: sourceTokens must be a positive integer, received ${JSON.stringify(n)}`);
  if (lowercase !== undefined && typeof lowercase !== 'boolean') throw new Error(`prepareTask: lowercase must be true or false, received ${JSON.stringify(lowercase)}`);
  let dataset = loadDataset(name, opts.kind === undefined ? {} : { kind: opts.kind });
  let base = tokenizersFor(name);
  if (lowercase) base = { source: makeTokenizer({ ...base.source.spec, lowercase: true }), target: makeTokenizer({ ...base.target.spec, lowercase: true }) };
  const t = opts.tokenizer ? bpeTokenizersFor(name, dataset.train, opts.tokenizer, base) : base;
  if (n !== undefined) {
    const cut = <P extends Pair>(ps: readonly P[]): P[] => ps.map((p) => ({ ...p, source: firstTokens(t.source, p.source, n) }));
    dataset = { ...dataset, pairs: cut(dataset.pairs), train: cut(dataset.train), valid: cut(dataset.valid), test: cut(dataset.test) };
  }
  return { dataset, sourceTokenizer: t.source, targetTokenizer: t.target, ...encodeSplits(dataset, t, opts.vocab) };
}
