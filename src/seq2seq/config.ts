// One object describes a seq2seq model; it is saved with the weights and rebuilds the same model.

export type ModelKind = 'baseline' | 'bahdanau' | 'luong';
export type CellKind = 'gru' | 'lstm';
export type EncoderKind = 'rnn' | 'birnn' | 'cnn';
export type LuongScore = 'dot' | 'general';

export interface Seq2SeqConfig {
  /**
   * baseline: the source article's encoder–decoder, no attention (encoder's final state starts the decoder);
   * bahdanau: additive attention, queried with the previous decoder state, context fed into the cell;
   * luong: dot/general attention queried with the current state, attentional hidden state h̃ = tanh(W_c[c; h]) fed back.
   */
  kind: ModelKind;
  cell: CellKind;
  encoder: EncoderKind;
  /** Luong only: 'dot' (needs encoder width = units) or 'general'. */
  luongScore?: LuongScore;
  sourceVocabSize: number;
  targetVocabSize: number;
  embeddingDim: number;
  /** Hidden size of encoder and decoder cells. */
  units: number;
  /** Bahdanau only: size of the additive score's hidden layer (default units). */
  attentionUnits?: number;
  /** Seeds every initializer: the same config gives the same initial weights. */
  seed: number;
  /**
   * Dropout rate while training (default 0): on the source and target embeddings and on the output layer's input
   * (see ./dropout). Decoding never drops.
   */
  dropout?: number;
  /**
   * Attention models only: the pointer-generator's copy mechanism (See, Liu & Manning 2017; ./decoder copyOutput). The
   * output is the mixture P(w) = p_gen P_vocab(w) + (1 − p_gen) Σ_{j: x_j = w} α_tj over the target vocabulary
   * extended by the source's out-of-vocabulary words (../data/copy), so unknown source words can be produced.
   */
  copy?: boolean;
  /**
   * Bahdanau with copy only: See et al.'s coverage. The coverage vector cov_t = Σ_{t'<t} α_t' enters the additive
   * score, e_tj = vᵀ tanh(W_q s_{t−1} + W_k h_j + w_cov cov_tj), and training adds
   * coverageWeight · Σ_j min(α_tj, cov_tj) per target token to the loss.
   */
  coverage?: boolean;
  /** λ of the coverage loss (default 1, as See et al.). */
  coverageWeight?: number;
}

export function validateConfig(c: Seq2SeqConfig): Seq2SeqConfig {
  const bad = (msg: string) => new Error(`seq2seq config: ${msg}`);
  if (!['baseline', 'bahdanau', 'luong'].includes(c.kind)) throw bad(`kind must be baseline, bahdanau or luong, not ${JSON.stringify(c.kind)}`);
  if (!['gru', 'lstm'].includes(c.cell)) throw bad(`cell must be gru or lstm, not ${JSON.stringify(c.cell)}`);
  if (!['rnn', 'birnn', 'cnn'].includes(c.encoder)) throw bad(`encoder must be rnn, birnn or cnn, not ${JSON.stringify(c.encoder)}`);
  for (const k of ['sourceVocabSize', 'targetVocabSize', 'embeddingDim', 'units'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw bad(`${k} must be a positive integer, not ${c[k]}`);
  }
  if (c.kind === 'luong' && c.luongScore && !['dot', 'general'].includes(c.luongScore)) throw bad(`luongScore must be dot or general, not ${c.luongScore}`);
  if (c.dropout !== undefined && !(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) throw bad(`dropout must be a number in [0, 1), not ${JSON.stringify(c.dropout)}`);
  for (const k of ['copy', 'coverage'] as const) if (c[k] !== undefined && typeof c[k] !== 'boolean') throw bad(`${k} must be true or false, not ${JSON.stringify(c[k])}`);
  if (c.copy && c.kind === 'baseline') throw bad('copy needs an attention decoder (kind bahdanau or luong): the baseline has no attention weights to copy with');
  if (c.coverage && !(c.copy && c.kind === 'bahdanau')) throw bad(`coverage needs kind bahdanau with copy: true (the coverage vector enters the additive score and the copy model's loss), not kind ${c.kind}${c.copy ? '' : ' without copy'}`);
  if (c.coverageWeight !== undefined) {
    if (!c.coverage) throw bad('coverageWeight is set but coverage is off');
    if (!(typeof c.coverageWeight === 'number' && Number.isFinite(c.coverageWeight) && c.coverageWeight >= 0)) throw bad(`coverageWeight must be a number ≥ 0, not ${JSON.stringify(c.coverageWeight)}`);
  }
  if (c.kind === 'baseline' && c.encoder === 'cnn') throw bad('the baseline needs a recurrent encoder (its final state starts the decoder)');
  return c;
}

/** Width of the encoder outputs (the keys/values attention looks at). */
export function encoderWidth(c: Seq2SeqConfig): number {
  return c.encoder === 'birnn' ? 2 * c.units : c.units;
}
