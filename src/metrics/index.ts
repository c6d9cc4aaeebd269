// Evaluation: sacrebleu-compatible BLEU, exact match, scores by source length.
export { corpusBleu, sentenceBleu, type BleuOptions, type BleuScore } from './bleu';
export { tokenize13a } from './tokenize13a';
export { byLength, exactMatch, quantileEdges, type LengthBucket, type Scored } from './accuracy';
