// The Transformer: positional encodings, pre-LN encoder and decoder blocks on MultiHeadAttention, a key/value-cached step decoder.
export { validateTransformerConfig, type TransformerConfig } from './config';
export { sinusoidalEncoding } from './positional';
export { appendKeyValues, attendOver, feedForward, fusedLayerNorm, fusedLogSoftmax, keyValues, layerNorm, layerNormRows, type FeedForwardWeights, type KeyValues, type LayerNormRows } from './blocks';
export { Transformer, type SharedTensors, type TransformerDecodeState, type TransformerForwardOutput, type TransformerSourceTensors, type TransformerStepWeights } from './model';
