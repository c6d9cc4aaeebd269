// What training, saving, loading and translating need of a model, whichever class it is (Seq2Seq,
// Transformer), and the one place a saved config picks its class.
import type { tf } from '../tf';
import { Transformer } from '../transformer/model';
import type { TransformerConfig } from '../transformer/config';
import type { Seq2SeqConfig } from './config';
import { ForwardOutput, Seq2Seq, StepDecoder } from './model';
import type { WeightStore } from './weights';

/** Any model's config; `kind` says which class builds it. */
export type ModelConfig = Seq2SeqConfig | TransformerConfig;

/** The surface train(), evaluate(), saveModel/loadModel, translate() and the decoders use. */
export interface Seq2SeqModel {
  readonly config: ModelConfig;
  /** Named weights: what is saved, loaded and checkpointed (short names; see WeightStore). */
  readonly weights: WeightStore;
  readonly trainableVariables: tf.Variable[];
  countParams(): number;
  /**
   * Teacher forcing: source int32 [b, S], sourceMask bool [b, S], targetIn int32 [b, T] -> logits [b, T, V]
   * (and attention [b, T, S] when asked). `training` turns dropout on where the model has it.
   */
  forward(source: tf.Tensor2D, sourceMask: tf.Tensor2D, targetIn: tf.Tensor2D, opts?: { attention?: boolean; training?: boolean; sourceExt?: tf.Tensor2D }): ForwardOutput;
  /**
   * Step-by-step decoding over these sources (greedyDecode, sampleDecode, beamSearch). `sourceExt`: the source in
   * extended ids, which copy models (Seq2SeqConfig.copy) need; other models ignore it. `cache`: the Transformer's
   * key/value cache (default on); other models ignore it.
   */
  stepDecoder(source: tf.Tensor2D, sourceMask: tf.Tensor2D, opts?: { sourceExt?: tf.Tensor2D; cache?: boolean }): StepDecoder<unknown>;
  dispose(): void;
}

/** The model a config describes: a Transformer for kind 'transformer', else a Seq2Seq. */
export function buildModel(config: ModelConfig, opts: { scope?: string } = {}): Seq2SeqModel {
  return config.kind === 'transformer' ? new Transformer(config, opts) : new Seq2Seq(config, opts);
}
