// GRU and LSTM steps, written out so that encoder, decoder and benchmark share one set of equations.
// Shapes: x [b, in], h/c [b, units]; weights W [in, g·units], U [units, g·units], b [g·units].
import { tf } from '../tf';
import type { CellKind } from './config';
import type { WeightStore } from './weights';

/** Decoder/encoder state: [h] for a GRU, [h, c] for an LSTM. */
export type CellState = tf.Tensor2D[];

export class Cell {
  readonly gates: number;
  constructor(readonly kind: CellKind, readonly name: string, readonly inputDim: number, readonly units: number, private readonly w: WeightStore) {
    this.gates = kind === 'gru' ? 3 : 4;
    this.kernel(); // create the weights now, so a fresh model's weights exist before any call
    this.recurrent();
    this.bias();
  }

  kernel(): tf.Variable {
    return this.w.get(`${this.name}/kernel`, [this.inputDim, this.gates * this.units]);
  }
  recurrent(): tf.Variable {
    return this.w.get(`${this.name}/recurrent_kernel`, [this.units, this.gates * this.units]);
  }
  bias(): tf.Variable {
    return this.w.get(`${this.name}/bias`, [this.gates * this.units], 'zeros');
  }

  zeroState(batch: number): CellState {
    return this.kind === 'gru' ? [tf.zeros([batch, this.units])] : [tf.zeros([batch, this.units]), tf.zeros([batch, this.units])];
  }

  /**
   * The weights one sequence's steps use, read once: W, b, and U, which a GRU splits into [U_z U_r] and
   * U_h here rather than at every step. Hand the result to every `step`/`stepProjected` call of the
   * sequence; the split tensors belong to the caller's tidy scope. Nothing is stored on the cell, so
   * several sequences may run through one cell at once (reentrant).
   */
  prepare(): PreparedCell {
    const recurrent = this.recurrent();
    return {
      cell: this,
      kernel: this.kernel() as tf.Tensor2D,
      bias: this.bias() as tf.Tensor1D,
      recurrent: recurrent as tf.Tensor2D,
      split: this.kind === 'gru' ? (tf.split(recurrent, [2 * this.units, this.units], 1) as [tf.Tensor2D, tf.Tensor2D]) : undefined,
    };
  }

  /** x·W + b for many steps at once: [b, T, in] -> [b, T, g·units] (one matMul instead of T). */
  inputProjection(p: PreparedCell, x: tf.Tensor3D): tf.Tensor3D {
    this.check(p);
    const [b, t, d] = x.shape;
    return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [b * t, d]), p.kernel), p.bias), [b, t, this.gates * this.units]);
  }

  /**
   * One step from an already projected input xw = x·W + b [b, g·units], with this cell's `prepare()`d weights.
   *   GRU:  z = σ(xw_z + h U_z), r = σ(xw_r + h U_r), h̃ = tanh(xw_h + (r ⊙ h) U_h), h' = z ⊙ h + (1 − z) ⊙ h̃
   *   LSTM: [i, f, g, o] = xw + h U, c' = σ(f + 1) ⊙ c + σ(i) ⊙ tanh(g), h' = σ(o) ⊙ tanh(c')   (forget bias +1)
   */
  stepProjected(p: PreparedCell, xw: tf.Tensor2D, state: CellState): CellState {
    this.check(p);
    const u = this.units;
    if (this.kind === 'gru') {
      const [h] = state;
      const [uzr, uh] = p.split!;
      const [xzr, xh] = tf.split(xw, [2 * u, u], 1);
      const [z, r] = tf.split(tf.sigmoid(tf.add(xzr, tf.matMul(h, uzr))), 2, 1); // update and reset gates together
      const hh = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), uh)));
      return [tf.add(hh, tf.mul(z, tf.sub(h, hh))) as tf.Tensor2D]; // z ⊙ h + (1 − z) ⊙ h̃
    }
    const [h, c] = state;
    const [i, f, g, o] = tf.split(tf.add(xw, tf.matMul(h, p.recurrent)), 4, 1);
    const c2 = tf.add(tf.mul(tf.sigmoid(tf.add(f, 1)), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
    return [tf.mul(tf.sigmoid(o), tf.tanh(c2)) as tf.Tensor2D, c2];
  }

  /** One step from the input x [b, in]: `stepProjected` of x·W + b. */
  step(p: PreparedCell, x: tf.Tensor2D, state: CellState): CellState {
    this.check(p);
    return this.stepProjected(p, tf.add(tf.matMul(x, p.kernel), p.bias) as tf.Tensor2D, state);
  }

  private check(p: PreparedCell): void {
    if (p.cell !== this) throw new Error(`Cell ${this.name}: the prepared weights are ${p.cell.name}'s; pass this cell's prepare()`);
  }
}

/** A cell's weights for one sequence (see `Cell.prepare`). */
export interface PreparedCell {
  readonly cell: Cell;
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  readonly recurrent: tf.Tensor2D;
  /** GRU: U split into [U_z U_r] [units, 2·units] and U_h [units, units]. */
  readonly split?: readonly [tf.Tensor2D, tf.Tensor2D];
}

/** Keeps the old state where mask[b] is false (padding), the new one elsewhere. mask [b, 1] bool. */
export function keepWhere(mask: tf.Tensor, next: CellState, prev: CellState): CellState {
  return next.map((n, k) => tf.where(tf.broadcastTo(mask, n.shape), n, prev[k]) as tf.Tensor2D);
}
