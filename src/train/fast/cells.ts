// The library's GRU and LSTM cells (src/seq2seq/cells.ts) on TensorFlow's fused block cells, forward and
// backward, one op per time step each way. Weight gradients are summed over all steps at the end, as a few
// large matMuls over the stacked per-step values, not step by step.
//
// Library → TensorFlow layouts (columns of kernel W [in, g·u], recurrent U [u, g·u] and bias [g·u]):
//   GRU  library [z, r, h̃]     TF GRUBlockCell  w_ru = [W; U][:, r|z] [in+u, 2u], w_c = [W; U][:, h̃] [in+u, u]
//   LSTM library [i, f, g, o]  TF LSTMBlockCell w = [W; U][:, i|g|f|o] [in+u, 4u], forget_bias 1, no peephole, no clip
// Both ops compute the library's equations: GRU h' = z ⊙ h + (1 − z) ⊙ tanh(x W_h + b_h + (r ⊙ h) U_h) (reset
// before the recurrent matMul), LSTM c' = σ(f + 1) ⊙ c + σ(i) ⊙ tanh(g), h' = σ(o) ⊙ tanh(c').
import type { CellKind } from '../../seq2seq/config';
import type { H, Native } from './native';

export interface CellGrads {
  kernel: H; // [in, g·u]
  recurrent: H; // [u, g·u]
  bias: H; // [g·u]
  /** dL/dx for every recorded step, stacked in record order: [steps·b, in] */
  input: H;
}

/** One cell's run over a sequence: `forward` records each step, `backward(k, …)` undoes record k. */
export interface FastCell {
  /** state [h] (GRU) or [h, c] (LSTM), each [b, u] -> the next state */
  forward(x: H, state: H[]): H[];
  /**
   * Backward through record k given dL/d(its output state); returns dL/d(its input state) and, when
   * `needDx`, dL/dx [b, in] (otherwise `gradients()` computes all dx at once).
   */
  backward(k: number, dState: H[], needDx: boolean): { dPrev: H[]; dx?: H };
  /** Weight and input gradients summed over all records (call after every record's backward). */
  gradients(): CellGrads;
}

/** Column blocks of a [rows, g·u] matrix, or of a [g·u] vector, in a new order. */
function permuteCols(n: Native, m: H, u: number, order: number[]): H {
  const rank = n.dims(m).length;
  return n.concat(order.map((k) => (rank === 1 ? n.slice(m, [k * u], [u]) : n.cols(m, k * u, u))), rank - 1);
}

export function makeFastCell(n: Native, kind: CellKind, inputDim: number, units: number, kernel: H, recurrent: H, bias: H): FastCell {
  return kind === 'gru' ? gruCell(n, inputDim, units, kernel, recurrent, bias) : lstmCell(n, inputDim, units, kernel, recurrent, bias);
}

/**
 * GRU. Per step, GRUBlockCellGrad gives from dh' (the whole dL/dh' of the step's output):
 *   dc̄ = dh' ⊙ (1 − z) ⊙ (1 − h̃²),  d[r̄ z̄] = [((dc̄ U_hᵀ) ⊙ h) ⊙ r(1 − r),  dh' ⊙ (h − h̃) ⊙ z(1 − z)],
 *   dx = d[r̄ z̄] W_ruᵀ + dc̄ W_hᵀ (x rows),  dh = dh' ⊙ z + (dc̄ U_hᵀ) ⊙ r + d[r̄ z̄] U_ruᵀ.
 * Over all steps (N = steps·b rows): dW = Xᵀ [dz̄ dr̄ dc̄], dU = [Hᵀ [dz̄ dr̄], (H ⊙ R)ᵀ dc̄], db = Σ_rows [dz̄ dr̄ dc̄].
 */
function gruCell(n: Native, inputDim: number, u: number, kernel: H, recurrent: H, bias: H): FastCell {
  const wu = n.concat([kernel, recurrent], 0); // [W; U]: [in+u, 3u], columns z | r | h̃
  const wru = permuteCols(n, wu, u, [1, 0]); // [in+u, 2u], columns r | z
  const wc = n.cols(wu, 2 * u, u); // [in+u, u]
  const bru = permuteCols(n, bias, u, [1, 0]); // [2u]
  const bc = n.slice(bias, [2 * u], [u]); // [u]
  const recs: { x: H; h: H; r: H; z: H; c: H; dx?: H; drz?: H; dc?: H }[] = [];
  return {
    forward(x, [h]) {
      const [r, z, c, h2] = n.gruCell(x, h, wru, wc, bru, bc); // r, z, h̃, h': each [b, u]
      recs.push({ x, h, r, z, c });
      return [h2];
    },
    backward(k, [dh]) {
      const s = recs[k];
      const [dx, dhPrev, dc, drz] = n.gruCellGrad([s.x, s.h, wru, wc, bru, bc, s.r, s.z, s.c, dh]); // [b, in], [b, u], [b, u], [b, 2u]
      Object.assign(s, { dx, drz, dc });
      return { dPrev: [dhPrev], dx };
    },
    gradients() {
      const all = (key: 'x' | 'h' | 'r' | 'dx' | 'drz' | 'dc') => n.concat(recs.map((s) => s[key]!), 0); // [N, ·]
      const [X, Hp, R, DRZ, DC] = (['x', 'h', 'r', 'drz', 'dc'] as const).map(all); // [N, in], [N, u], [N, u], [N, 2u], [N, u]
      const D = n.concat([n.cols(DRZ, u, u), n.cols(DRZ, 0, u), DC], 1); // [N, 3u], library order z | r | h̃
      return {
        kernel: n.matMul(X, D, true), // [in, 3u]
        recurrent: n.concat([n.matMul(Hp, n.cols(D, 0, 2 * u), true), n.matMul(n.mul(Hp, R), DC, true)], 1), // [u, 3u]
        bias: n.biasGrad(D), // [3u]
        input: all('dx'), // [N, in]
      };
    },
  };
}

/**
 * LSTM. Per step, LSTMBlockCellGrad gives from dh' and dc' (the gradient arriving from later steps):
 *   dcs = dh' ⊙ σ(o) ⊙ (1 − tanh²c') + dc',  d[ī ḡ f̄ ō] = [dcs ⊙ g ⊙ i(1−i), dcs ⊙ i ⊙ (1−g²), dcs ⊙ c ⊙ f(1−f), dh' ⊙ tanh c' ⊙ o(1−o)],
 *   dc = dcs ⊙ σ(f + 1), and [dx dh] = d[ī ḡ f̄ ō] wᵀ (one matMul; dh alone needs only the U rows).
 * Over all steps: dW = Xᵀ D, dU = Hᵀ D, db = Σ_rows D with D the stacked gate gradients in library order.
 */
function lstmCell(n: Native, inputDim: number, u: number, kernel: H, recurrent: H, bias: H): FastCell {
  const TF = [0, 2, 1, 3]; // TF column block k holds library block TF[k] (an involution: the same map goes back)
  const w = permuteCols(n, n.concat([kernel, recurrent], 0), u, TF); // [in+u, 4u], columns i | g | f | o
  const b = permuteCols(n, bias, u, TF); // [4u]
  const wT = n.transpose(w, [1, 0]); // [4u, in+u]: backward matMuls read it untransposed
  const uT = n.cols(wT, inputDim, u); // [4u, u]
  const zero = n.zeros([u]); // peephole weights (unused)
  const recs: { x: H; h: H; c: H; gates: H[]; d?: H; dx?: H }[] = [];
  return {
    forward(x, [h, c]) {
      const [i, cs, f, o, ci, co, h2] = n.lstmCell([x, c, h, w, zero, zero, zero, b]); // each [b, u]
      recs.push({ x, h, c, gates: [i, cs, f, o, ci, co] });
      return [h2, cs];
    },
    backward(k, [dh, dc], needDx) {
      const s = recs[k];
      const [dcPrev, dicfo] = n.lstmCellGrad([s.x, s.c, s.h, w, zero, zero, zero, b, ...s.gates, dc, dh]); // [b, u], [b, 4u]
      s.d = dicfo;
      if (!needDx) return { dPrev: [n.matMul(dicfo, uT), dcPrev] }; // dh [b, u]
      const dxh = n.matMul(dicfo, wT); // [b, in+u]
      s.dx = n.cols(dxh, 0, inputDim);
      return { dPrev: [n.cols(dxh, inputDim, u), dcPrev], dx: s.dx };
    },
    gradients() {
      const all = (key: 'x' | 'h' | 'd') => n.concat(recs.map((s) => s[key]!), 0); // [N, ·]
      const [X, Hp, DT] = (['x', 'h', 'd'] as const).map(all); // [N, in], [N, u], [N, 4u] (TF order)
      const D = permuteCols(n, DT, u, TF); // [N, 4u], library order i | f | g | o
      const input = recs.every((s) => s.dx !== undefined) ? n.concat(recs.map((s) => s.dx!), 0) : n.matMul(DT, n.cols(wT, 0, inputDim)); // [N, in]
      return { kernel: n.matMul(X, D, true), recurrent: n.matMul(Hp, D, true), bias: n.biasGrad(D), input };
    },
  };
}
