// Data: files, filters, splits, tokenizers, vocabularies, batches and the bundled datasets.
export { DataFileError, readUtf8, splitLines } from './text-file';
export { parseDelimited, readAnkiPairs, readSplitTsv, readTablePairs, type Loaded, type LoadReport, type Pair, type ReadOptions, type SplitTsvOptions, type TableOptions } from './corpus';
export { filterPairs, type FilterOptions, type FilterResult } from './filters';
export { pick, randInt, rng, shuffled, type Rng } from './random';
export { splitData, splitGroups, type SplitOptions, type Splits } from './split';
export { charTokenizer, displayToken, makeTokenizer, prepareText, SPACE_MARK, wordTokenizer, type Tokenizer, type TokenizerOptions, type TokenizerSpec } from './tokenize';
export { BOS, BOS_ID, EOS, EOS_ID, PAD, PAD_ID, SPECIALS, UNK, UNK_ID, Vocabulary, type VocabOptions } from './vocab';
export { batches, batchIndices, disposeBatch, makeBatch, padSequences, type Batch, type BatchOptions, type Example } from './batch';
export { DATASET_NAMES, DATASETS_DIR, datasetMeta, loadDataset, type Dataset, type DatasetMeta, type DatasetName, type GroupedPair, type DatasetLoadOptions } from './datasets';
export { encodePairs, encodeSplits, type EncodedSplits } from './encode';
export { pairsFrame } from './frame';
export { bpeTokenizersFor, prepareTask, tokenizersFor, type Task, type TaskBpeOptions, type TaskOptions } from './tasks';
export { descriptionMd5, descriptionParagraphs, joinTranslations, readSourcePackages, readTranslationIndex, type DebianIndex, type DebianReadOptions, type DescriptionParagraph, type DescriptionRecord, type TranslationPair } from './debian';
export { mixDomains, type MixOptions } from './mix';
export { bpeSegmenter, END_OF_WORD, learnBpe, type BpeMerge, type BpeOptions, type LearnBpeOptions } from './bpe';
export { bpeTokenizer, fitBpeTokenizer, type BpeTokenizer, type BpeTokenizerSpec, type CharWordSpec, type FitBpeOptions } from './tokenize';
export { generateStories, readStories, storyRow, storySentences, storySource, storyTokenSentences, STORY_COLUMNS, STORY_KINDS, STORY_WORLD, type Story, type StoryKind, type StoryOptions, type StoryPair } from './stories';
export { solveStory, type Solved } from './story-solver';
