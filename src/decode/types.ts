// What every decoding algorithm returns, per source.
export interface Decoded {
  /** Output token ids, without <s>, stopping before </s>. */
  tokens: number[];
  /** Sum of the model's log-probabilities of the tokens (and of </s> when it was produced). */
  score: number;
  /** The attention weights of each output step [steps][S], when the model has attention. */
  attention?: number[][];
  /** Whether </s> was produced (false: stopped at maxLength). */
  finished: boolean;
}

export { BOS_ID, EOS_ID } from '../data/vocab';
export type { StepDecoder } from '../seq2seq/model';
