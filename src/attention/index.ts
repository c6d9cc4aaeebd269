// Attention: masks, scores, weights, pooling, and Keras-style layers.
export { causalMask, paddingMask, scoreMask } from './masks';
export { maskedSoftmax, softmaxMaskTerms, type SoftmaxMaskTerms } from './softmax';
export { additiveScore, dotScore, generalScore, projectKeys, scaledDotScore } from './scores';
export { attentionPool, type AttentionResult } from './pooling';
export { linear } from './linear';
export { Attention, type AttentionLayerArgs } from './layers/attention';
export { AdditiveAttention, type AdditiveAttentionLayerArgs } from './layers/additive-attention';
export { attendHeads, MultiHeadAttention, multiHeadAttention, projectHeads, type MultiHeadAttentionLayerArgs, type MultiHeadCallArgs, type MultiHeadWeights } from './layers/multi-head-attention';
