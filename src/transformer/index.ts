// The Transformer: positional encodings, pre-LN encoder and decoder blocks on MultiHeadAttention, a key/value-cached step decoder.
export { validateTransformerConfig, type TransformerConfig } from './config';
export { sinusoidalEncoding } from './positional';
export { appendKeyValues, attendOver, feedForward, keyValues, layerNorm, type FeedForwardWeights, type KeyValues } from './blocks';
export { Transformer, type TransformerDecodeState, type TransformerForwardOutput } from './model';
