// The bundled datasets ready for a model: the tokenizers each one is meant for, vocabularies built
// on its training split, and id sequences for all three splits.
import { Dataset, DatasetName, loadDataset } from './datasets';
import { encodeSplits, EncodedSplits } from './encode';
import { charTokenizer, Tokenizer, wordTokenizer } from './tokenize';

export interface Task extends EncodedSplits {
  dataset: Dataset;
  sourceTokenizer: Tokenizer;
  targetTokenizer: Tokenizer;
}

/** Characters for dates and reversal; words with digits split for the phrases (Intl.Segmenter for zh); words for the Debian texts. */
export function tokenizersFor(name: DatasetName): { source: Tokenizer; target: Tokenizer } {
  if (name === 'dates' || name === 'reverse') return { source: charTokenizer(), target: charTokenizer() };
  if (name === 'debian-en-fr') return { source: wordTokenizer(), target: wordTokenizer({ locale: 'fr' }) };
  if (name === 'debian-summaries') return { source: wordTokenizer(), target: wordTokenizer() };
  if (name === 'phrases-fr') return { source: wordTokenizer({ splitDigits: true }), target: wordTokenizer({ locale: 'fr', splitDigits: true }) };
  return { source: wordTokenizer({ splitDigits: true }), target: wordTokenizer({ locale: 'zh', splitDigits: true }) };
}

export function prepareTask(name: DatasetName): Task {
  const dataset = loadDataset(name);
  const t = tokenizersFor(name);
  return { dataset, sourceTokenizer: t.source, targetTokenizer: t.target, ...encodeSplits(dataset, t) };
}
