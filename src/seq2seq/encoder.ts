// Encoders: embedding, then a GRU/LSTM (one direction or both) or a small 1-D CNN.
import { tf } from '../tf';
import { Cell, CellState, keepWhere } from './cells';
import { Seq2SeqConfig } from './config';
import type { WeightStore } from './weights';

export interface Encoded {
  /** h_1 … h_S, the keys and values attention looks at: [b, S, D] (zeros on padding) */
  outputs: tf.Tensor3D;
  /** the decoder's initial state, each [b, units] */
  state: CellState;
  /** bool [b, S]: true on real source tokens */
  mask: tf.Tensor2D;
}

export class Encoder {
  private readonly fw?: Cell;
  private readonly bw?: Cell;

  constructor(private readonly cfg: Seq2SeqConfig, private readonly w: WeightStore) {
    w.get('encoder/embedding', [cfg.sourceVocabSize, cfg.embeddingDim], 'embedding');
    if (cfg.encoder === 'cnn') {
      w.get('encoder/conv1/kernel', [3, cfg.embeddingDim, cfg.units]);
      w.get('encoder/conv2/kernel', [3, cfg.units, cfg.units]);
    } else {
      this.fw = new Cell(cfg.cell, 'encoder/forward', cfg.embeddingDim, cfg.units, w);
      if (cfg.encoder === 'birnn') this.bw = new Cell(cfg.cell, 'encoder/backward', cfg.embeddingDim, cfg.units, w);
    }
    if (cfg.encoder !== 'rnn') {
      const from = cfg.encoder === 'birnn' ? 2 * cfg.units : cfg.units;
      for (let k = 0; k < (cfg.cell === 'lstm' && cfg.encoder === 'birnn' ? 2 : 1); k++) {
        w.get(`encoder/bridge${k}/kernel`, [from, cfg.units]);
        w.get(`encoder/bridge${k}/bias`, [cfg.units], 'zeros');
      }
    }
  }

  /**
   * source int32 [b, S], mask bool [b, S] -> outputs [b, S, D], initial decoder state. `drop` [b, S, E]: a
   * dropout keep-mask on the embeddings while training (./dropout).
   */
  encode(source: tf.Tensor2D, mask: tf.Tensor2D, drop?: tf.Tensor3D): Encoded {
    const gathered = tf.gather(this.w.read('encoder/embedding'), source) as tf.Tensor3D; // [b, S, E]
    const emb = drop ? (tf.mul(gathered, drop) as tf.Tensor3D) : gathered;
    if (this.cfg.encoder === 'cnn') return this.encodeCnn(emb, mask);
    const fw = this.run(this.fw!, emb, mask, false);
    if (!this.bw) return { outputs: fw.outputs, state: fw.state, mask };
    const bw = this.run(this.bw, emb, mask, true);
    const outputs = tf.concat([fw.outputs, bw.outputs], 2) as tf.Tensor3D; // [b, S, 2u]
    const state = fw.state.map((s, k) => this.bridge(k, tf.concat([s, bw.state[k]], 1) as tf.Tensor2D));
    return { outputs, state, mask };
  }

  private bridge(k: number, x: tf.Tensor2D): tf.Tensor2D {
    return tf.tanh(tf.add(tf.matMul(x, this.w.read(`encoder/bridge${k}/kernel`)), this.w.read(`encoder/bridge${k}/bias`))) as tf.Tensor2D;
  }

  /** One direction over time; padded steps keep the state and output zeros. */
  private run(cell: Cell, emb: tf.Tensor3D, mask: tf.Tensor2D, backwards: boolean): { outputs: tf.Tensor3D; state: CellState } {
    const [b, S] = emb.shape;
    const p = cell.prepare(); // the weights of this sequence's steps (GRU: U split once)
    const xw = tf.unstack(cell.inputProjection(p, emb), 1) as tf.Tensor2D[]; // S × [b, g·u]
    const m = tf.unstack(mask.expandDims(2), 1) as tf.Tensor2D[]; // S × [b, 1]
    let state = cell.zeroState(b);
    const outputs: tf.Tensor2D[] = new Array(S);
    for (let i = 0; i < S; i++) {
      const t = backwards ? S - 1 - i : i;
      state = keepWhere(m[t], cell.stepProjected(p, xw[t], state), state);
      outputs[t] = tf.mul(state[0], m[t].cast('float32')) as tf.Tensor2D;
    }
    return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state };
  }

  private encodeCnn(emb: tf.Tensor3D, mask: tf.Tensor2D): Encoded {
    const m = mask.cast('float32').expandDims(2) as tf.Tensor3D; // [b, S, 1]
    const c1 = tf.relu(tf.conv1d(tf.mul(emb, m) as tf.Tensor3D, this.w.read('encoder/conv1/kernel') as tf.Tensor3D, 1, 'same'));
    const c2 = tf.relu(tf.conv1d(tf.mul(c1, m) as tf.Tensor3D, this.w.read('encoder/conv2/kernel') as tf.Tensor3D, 1, 'same'));
    const outputs = tf.mul(c2, m) as tf.Tensor3D; // [b, S, u]
    const mean = tf.div(tf.sum(outputs, 1), tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor2D; // masked mean over time
    const h = this.bridge(0, mean);
    return { outputs, state: this.cfg.cell === 'gru' ? [h] : [h, tf.zerosLike(h)], mask };
  }
}

