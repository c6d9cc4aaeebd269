// One object describes a Transformer; it is saved with the weights and rebuilds the same model.

export interface TransformerConfig {
  /** Tells saved models and the trainer which class this is. */
  kind: 'transformer';
  sourceVocabSize: number;
  targetVocabSize: number;
  /** Width d of every position's vector (embeddings, attention outputs, residual stream). */
  dModel: number;
  /** Attention heads h; each head's query/key/value size is d / h. */
  numHeads: number;
  /** Hidden width of the position-wise feed-forward network (Vaswani et al.: 4d). */
  ffDim: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Dropout on the embeddings and on every sub-layer's output before its residual add, while training (default 0.1). */
  dropout?: number;
  /** 'sinusoidal' (default; fixed, any length) or 'learned' (a weight per position up to maxLength). */
  positional?: 'sinusoidal' | 'learned';
  /** Learned positions only: the longest source or target (default 256). */
  maxLength?: number;
  /**
   * The output layer reuses the target embedding: logits = LN(x) Eᵀ + b (Press & Wolf 2017, "Using the Output
   * Embedding to Improve Language Models"; Vaswani et al. share it too). V·d fewer weights, and every output
   * gradient also trains the embedding rows. Default false (an output kernel of its own).
   */
  tieOutput?: boolean;
  /** Seeds every initializer and the dropout masks. */
  seed: number;
}

export function validateTransformerConfig(c: TransformerConfig): TransformerConfig {
  const bad = (msg: string) => new Error(`transformer config: ${msg}`);
  if (c?.kind !== 'transformer') throw bad(`kind must be 'transformer', not ${JSON.stringify(c?.kind)}`);
  for (const k of ['sourceVocabSize', 'targetVocabSize', 'dModel', 'numHeads', 'ffDim', 'encoderLayers', 'decoderLayers'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw bad(`${k} must be a positive integer, not ${JSON.stringify(c[k])}`);
  }
  if (c.dModel % c.numHeads !== 0) throw bad(`dModel (${c.dModel}) must be divisible by numHeads (${c.numHeads}): each head gets d / h`);
  const dropout = c.dropout ?? 0.1;
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) throw bad(`dropout must be in [0, 1), not ${JSON.stringify(c.dropout)}`);
  if (c.positional !== undefined && !['sinusoidal', 'learned'].includes(c.positional)) throw bad(`positional must be sinusoidal or learned, not ${JSON.stringify(c.positional)}`);
  if (c.maxLength !== undefined && !(Number.isInteger(c.maxLength) && c.maxLength >= 1)) throw bad(`maxLength must be a positive integer, not ${JSON.stringify(c.maxLength)}`);
  if (c.tieOutput !== undefined && typeof c.tieOutput !== 'boolean') throw bad(`tieOutput must be true or false, not ${JSON.stringify(c.tieOutput)}`);
  if (!Number.isInteger(c.seed)) throw bad(`seed must be an integer, not ${JSON.stringify(c.seed)}`);
  return c;
}
