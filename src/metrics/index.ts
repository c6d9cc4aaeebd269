// Evaluation: sacrebleu-compatible BLEU, exact match, scores by source length.
export { corpusBleu, sentenceBleu, type BleuOptions, type BleuScore } from './bleu';
export { tokenize13a } from './tokenize13a';
export { byLength, exactMatch, quantileEdges, type LengthBucket, type Scored } from './accuracy';
export { corpusRouge, rougeL, rougeLsum, rougeN, rougeScores, rougeTokenize, ROUGE_TYPES, type CorpusRouge, type RougeOptions, type RougeScore, type RougeScores, type RougeType } from './rouge';
export { porterStem } from './porter';
export { leadK, repeatedNgramRate, type RepetitionRate } from './summary';
export { exactMatchByKind, type KindScore } from './by-kind';
