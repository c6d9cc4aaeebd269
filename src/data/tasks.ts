// The bundled datasets ready for a model: the tokenizers each one is meant for, vocabularies built
// on its training split, and id sequences for all three splits.
import type { Pair } from './corpus';
import { Dataset, DatasetName, loadDataset } from './datasets';
import { encodeSplits, EncodedSplits } from './encode';
import { learnBpe } from './bpe';
import { bpeTokenizer, charTokenizer, countWords, fitBpeTokenizer, Tokenizer, TokenizerOptions, wordTokenizer } from './tokenize';

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
export function bpeTokenizersFor(name: DatasetName, train: readonly Pair[], opts: TaskBpeOptions): { source: Tokenizer; target: Tokenizer } {
  if (opts?.type !== 'bpe') throw new Error(`prepareTask: tokenizer.type must be 'bpe', received ${JSON.stringify((opts as { type?: unknown })?.type)}`);
  const base = tokenizersFor(name);
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
 * merges }) splits words into subwords learned on the training split (see bpeTokenizersFor).
 */
export function prepareTask(name: DatasetName, opts: TaskOptions = {}): Task {
  const dataset = loadDataset(name, opts.kind === undefined ? {} : { kind: opts.kind });
  const t = opts.tokenizer ? bpeTokenizersFor(name, dataset.train, opts.tokenizer) : tokenizersFor(name);
  return { dataset, sourceTokenizer: t.source, targetTokenizer: t.target, ...encodeSplits(dataset, t) };
}
