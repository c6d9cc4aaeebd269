// A seq2seq model: encoder + decoder, teacher-forced for training, step by step for decoding.
import { tf } from '../tf';
import { tidyObject } from '../tidy';
import { Seq2SeqConfig, validateConfig } from './config';
import { Decoder, DecoderState, Memory } from './decoder';
import { dropoutMasks } from './dropout';
import { Encoded, Encoder } from './encoder';
import { freeScope, WeightStore } from './weights';

export interface ForwardOutput {
  /**
   * [b, T, V] unnormalised scores for every target position. Copy models: [b, T, X], log P(w) of the pointer-generator
   * mixture over the extended vocabulary (already normalised, so log-softmax leaves them unchanged and
   * maskedCrossEntropy of them against the extended targets is the mixture's −log P(y)).
   */
  logits: tf.Tensor3D;
  /** [b, T, S] attention weights per decoder step (attention models only) */
  attention?: tf.Tensor3D;
  /** Copy models: p_gen [b, T], the probability of generating (not copying) at each step */
  pGen?: tf.Tensor2D;
  /** Coverage models: Σ_j min(α_tj, cov_tj) [b, T], each step's coverage loss */
  coverageLoss?: tf.Tensor2D;
}

/** Decoding state for one or more hypotheses; it owns all its tensors (see `StepDecoder.dispose`). */
export interface Seq2SeqDecodeState {
  dec: DecoderState;
  mem: Memory;
}

/** What decoding algorithms (src/decode) drive: one step of the model at a time. */
export interface StepDecoder<S> {
  init(batchSize: number): S;
  /** logProbs [n, V] (copy models: [n, X] over the extended vocabulary; prevTokens may then hold extended ids) */
  step(prevTokens: tf.Tensor1D, state: S): { logProbs: tf.Tensor2D; state: S; attention?: tf.Tensor2D };
  /** Rows of `state` in the given order (repeats allowed): beam search reorders and copies hypotheses. */
  select(state: S, indices: number[]): S;
  dispose(state: S): void;
}

export class Seq2Seq {
  readonly config: Seq2SeqConfig;
  readonly weights: WeightStore;
  private readonly encoder: Encoder;
  private readonly decoder: Decoder;

  /**
   * @param opts.scope prefix of this model's tfjs variable names (tfjs' registry is global: no two live
   *   models may share one). Default: the first free of `seq2seq`, `seq2seq_1`, … (`freeScope`). Saved
   *   models store the weights under their short names, so any scope loads them.
   */
  constructor(config: Seq2SeqConfig, opts: { scope?: string } = {}) {
    this.config = validateConfig({ ...config });
    this.weights = new WeightStore(config.seed, opts.scope ?? freeScope('seq2seq'));
    this.encoder = new Encoder(this.config, this.weights);
    this.decoder = new Decoder(this.config, this.weights);
  }

  get trainableVariables(): tf.Variable[] {
    return this.weights.entries().map(([, v]) => v);
  }

  countParams(): number {
    return this.trainableVariables.reduce((n, v) => n + v.size, 0);
  }

  /** The encoder alone: outputs h_1..h_S [b, S, D] and the decoder's initial state (what attention looks at). */
  encode(source: tf.Tensor2D, sourceMask: tf.Tensor2D): Encoded {
    return tidyObject(() => this.encoder.encode(source, sourceMask));
  }

  /**
   * Teacher forcing: the decoder reads the true previous token at every step.
   * source int32 [b, S], sourceMask bool [b, S], targetIn int32 [b, T] (<s> y_1 … y_{T-1}).
   * `training` applies the config's dropout, with the masks of ./dropout (a function of the batch). A copy model needs
   * `sourceExt` int32 [b, S], the source in extended ids (Batch.sourceExt); targetIn stays in vocabulary ids.
   */
  forward(source: tf.Tensor2D, sourceMask: tf.Tensor2D, targetIn: tf.Tensor2D, opts: { attention?: boolean; training?: boolean; sourceExt?: tf.Tensor2D } = {}): ForwardOutput {
    return tidyObject(() => {
      const [b, S] = source.shape;
      const T = targetIn.shape[1];
      const drop = opts.training ? dropoutMasks(this.config, source.dataSync(), targetIn.dataSync(), b, S, T) : undefined;
      const enc = this.encoder.encode(source, sourceMask, drop && tf.tensor3d(drop.source, [b, S, this.config.embeddingDim])); // outputs [b, S, D]
      const mem = this.decoder.memory(enc, opts.sourceExt);
      let state = this.decoder.initialState(enc);
      const embedded = this.decoder.embed(targetIn) as tf.Tensor3D; // [b, T, E]
      const ys = tf.unstack(drop ? tf.mul(embedded, tf.tensor3d(drop.target, [b, T, this.config.embeddingDim])) : embedded, 1) as tf.Tensor2D[]; // T × [b, E]
      const dropOut = drop ? (tf.unstack(tf.tensor3d(drop.output, [b, T, drop.outputWidth]), 1) as tf.Tensor2D[]) : undefined; // T × [b, O]
      const logits: tf.Tensor2D[] = [];
      const weights: tf.Tensor2D[] = [];
      const pGen: tf.Tensor2D[] = [];
      const coverage: tf.Tensor1D[] = [];
      const p = this.decoder.prepare(); // the cell's weights for all T steps (GRU: U split once)
      for (const [t, y] of ys.entries()) {
        const out = this.decoder.step(p, y, state, mem, dropOut?.[t]);
        logits.push(out.logProbs ?? out.logits); // copy models: log P over the extended vocabulary
        if (out.weights) weights.push(out.weights);
        if (out.pGen) pGen.push(out.pGen);
        if (out.coverageLoss) coverage.push(out.coverageLoss);
        state = out.state;
      }
      const result: ForwardOutput = { logits: tf.stack(logits, 1) as tf.Tensor3D }; // [b, T, V] (copy: [b, T, X])
      if (opts.attention && weights.length) result.attention = tf.stack(weights, 1) as tf.Tensor3D; // [b, T, S]
      if (pGen.length) result.pGen = tf.concat(pGen, 1) as tf.Tensor2D; // T × [b, 1] -> [b, T]
      if (coverage.length) result.coverageLoss = tf.stack(coverage, 1) as tf.Tensor2D; // T × [b] -> [b, T]
      return result;
    });
  }

  /**
   * A step decoder over these sources (batch b): `init(b)` encodes them and starts b hypotheses. Every
   * state owns its tensors (the encoder memory is shared by reference counting), so dispose each one.
   * A copy model needs `opts.sourceExt` int32 [b, S] (../data/copy's copyIds); its steps give log-probabilities over
   * the extended vocabulary, and a previous token past V (a copied word) is read as <unk>.
   */
  stepDecoder(source: tf.Tensor2D, sourceMask: tf.Tensor2D, opts: { sourceExt?: tf.Tensor2D } = {}): StepDecoder<Seq2SeqDecodeState> {
    const b = source.shape[0];
    const opt = <T extends tf.Tensor>(t: T | undefined): T[] => (t ? [t] : []);
    const tensors = (s: Seq2SeqDecodeState): tf.Tensor[] => [...s.dec.cell, ...opt(s.dec.feed), ...opt(s.dec.coverage), s.mem.values, s.mem.keys, s.mem.mask, ...opt(s.mem.sourceExt)];
    const mapMem = (m: Memory, f: (t: tf.Tensor) => tf.Tensor): Memory => ({
      values: f(m.values) as tf.Tensor3D, keys: f(m.keys) as tf.Tensor3D, mask: f(m.mask) as tf.Tensor3D,
      ...(m.sourceExt ? { sourceExt: f(m.sourceExt) as tf.Tensor2D, extSize: m.extSize } : {}),
    });
    const map = (s: Seq2SeqDecodeState, f: (t: tf.Tensor) => tf.Tensor): Seq2SeqDecodeState => ({
      dec: { cell: s.dec.cell.map((t) => f(t) as tf.Tensor2D), feed: s.dec.feed ? (f(s.dec.feed) as tf.Tensor2D) : undefined, coverage: s.dec.coverage ? (f(s.dec.coverage) as tf.Tensor2D) : undefined },
      mem: mapMem(s.mem, f),
    });
    return {
      init: (n) => {
        if (n !== b) throw new Error(`stepDecoder.init: the decoder was built for ${b} sources, asked for ${n}`);
        return tidyObject(() => {
          const enc = this.encoder.encode(source, sourceMask);
          return { dec: this.decoder.initialState(enc), mem: this.decoder.memory(enc, opts.sourceExt) };
        });
      },
      step: (prev, s) =>
        tidyObject(() => {
          const out = this.decoder.step(this.decoder.prepare(), this.decoder.embed(prev) as tf.Tensor2D, s.dec, s.mem);
          return {
            logProbs: out.logProbs ?? (tf.logSoftmax(out.logits) as tf.Tensor2D), // copy models: log P of the mixture [n, X]
            attention: out.weights,
            state: { dec: out.state, mem: mapMem(s.mem, (t) => t.clone()) }, // the memory is shared, by reference count
          };
        }),
      select: (s, indices) => tidyObject(() => map(s, (t) => tf.gather(t, tf.tensor1d(indices, 'int32')))),
      dispose: (s) => tf.dispose(tensors(s)),
    };
  }

  dispose(): void {
    this.weights.dispose();
  }
}
