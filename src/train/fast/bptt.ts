// The fast training step: the seq2seq model's forward pass and its backward pass through time written out
// by hand (no tape), on TensorFlow ops called directly (./native). It computes the same function as
// `Seq2Seq.forward` + `maskedCrossEntropy` (the readable reference; tests/train-fast.test.ts checks every
// gradient against tf.variableGrads), for the rnn/birnn encoders, GRU/LSTM cells and the baseline,
// Bahdanau and Luong (dot/general) decoders. The cnn encoder keeps the autodiff step.
//
// Shapes: b batch, S source steps, T target steps, E embedding, u units, D encoder width (u or 2u),
// A attention units, V target vocabulary, N = T·b rows of all decoder steps stacked time-major.
import type { Batch } from '../../data';
import type { Seq2Seq } from '../../seq2seq';
import { encoderWidth, Seq2SeqConfig } from '../../seq2seq/config';
import { DropoutMasks, dropoutMasks } from '../../seq2seq/dropout';
import type { ModelConfig } from '../../seq2seq/models';
import { tf } from '../../tf';
import { FastCell, makeFastCell } from './cells';
import { backendHasOp, backendVersions, H, HandleCounts, missingOps, Native } from './native';

export type FastSupport = { ok: true } | { ok: false; reason: string };

/** Whether the fast step covers this model on this backend, and if not, why. */
export function fastStepSupport(config: ModelConfig, hasOp: (name: string) => boolean = backendHasOp): FastSupport {
  if (config.kind === 'transformer') return { ok: false, reason: 'the Transformer has no hand-written backward pass (the fast step covers the recurrent encoder–decoders)' };
  if (config.encoder === 'cnn') return { ok: false, reason: 'the cnn encoder has no hand-written backward pass' };
  if (config.copy) return { ok: false, reason: 'the copy mechanism (pointer-generator, config copy) has no hand-written backward pass: its mixture loss −log P(y) runs on autodiff' };
  if (tf.getBackend() !== 'tensorflow') return { ok: false, reason: `the backend is ${tf.getBackend()}, not tfjs-node's native "tensorflow"` };
  const missing = missingOps(hasOp);
  if (missing.length) return { ok: false, reason: `the backend lacks the TensorFlow op${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${backendVersions()})` };
  return { ok: true };
}

export interface FastStepOutput {
  /** masked mean cross-entropy, as maskedCrossEntropy */
  loss: tf.Scalar;
  /** masked token accuracy, as tokenAccuracy */
  accuracy: tf.Scalar;
  /** dL/dw for every trainable variable, keyed by variable name (as tf.variableGrads) */
  grads: tf.NamedTensorMap;
}

/** Per time step: which rows are real (m), as float masks m [b, 1] and 1 − m, or undefined when all are real. */
interface StepMask {
  m: H;
  notM: H;
}

/** The batch as JS arrays (small), read once: ids, masks, and where padding is. */
interface HostBatch {
  b: number;
  S: number;
  T: number;
  src: Int32Array;
  srcMask: Uint8Array;
  tgtIn: Int32Array;
  tgtOut: Int32Array;
  tgtMask: Uint8Array;
  /** the batch's dropout keep-masks (the readable forward pass draws the same), undefined without dropout */
  drop?: DropoutMasks;
}

/**
 * Row-major [b, L, w] rows -> [L·b, w] in the time order `order` (default 0 … L−1): step order[k]'s rows are
 * rows k·b … k·b + b − 1.
 */
function stepRows(x: Float32Array, b: number, L: number, w: number, order?: readonly number[]): Float32Array {
  const out = new Float32Array(L * b * w);
  for (let k = 0; k < L; k++) {
    const t = order ? order[k] : k;
    for (let i = 0; i < b; i++) out.set(x.subarray((i * L + t) * w, (i * L + t + 1) * w), (k * b + i) * w);
  }
  return out;
}

/** Row-major [b, L] -> time-major [L·b]. */
function timeMajor<A extends Int32Array | Float32Array>(x: ArrayLike<number>, b: number, L: number, out: A): A {
  for (let t = 0; t < L; t++) for (let i = 0; i < b; i++) out[t * b + i] = x[i * L + t];
  return out;
}

export class FastStep {
  private readonly n: Native;
  private readonly cfg: Seq2SeqConfig;

  /** Throws, naming the reason, when the model or backend is not covered (see fastStepSupport). */
  constructor(private readonly model: Seq2Seq, opts: { hasOp?: (name: string) => boolean } = {}) {
    this.cfg = model.config;
    const s = fastStepSupport(this.cfg, opts.hasOp);
    if (!s.ok) throw new Error(`fast training step: ${s.reason}; use the autodiff step (train's step: 'autodiff')`);
    this.n = new Native();
  }

  /** Native handles owned right now (constants only, between steps) and created/deleted/transferred so far. */
  handleCounts(): HandleCounts {
    return this.n.handleCounts();
  }

  private w(name: string): H {
    return this.n.of(this.model.weights.read(name));
  }

  /** Loss, accuracy and the gradient of every trainable variable on one teacher-forced batch. */
  run(batch: Batch): FastStepOutput {
    const [b, S] = batch.source.shape;
    const T = batch.targetIn.shape[1];
    const host: HostBatch = {
      b, S, T,
      src: batch.source.dataSync() as Int32Array,
      srcMask: batch.sourceMask.dataSync() as Uint8Array,
      tgtIn: batch.targetIn.dataSync() as Int32Array,
      tgtOut: batch.targetOut.dataSync() as Int32Array,
      tgtMask: batch.targetMask.dataSync() as Uint8Array,
    };
    host.drop = dropoutMasks(this.cfg, host.src, host.tgtIn, b, S, T);
    const n = this.n;
    try {
      const grads = new Map<string, H>();
      const enc = this.encoder(host, grads);
      const dec = this.decoder(host, enc.values, enc.state, grads);
      enc.backward(dec.dValues, dec.dState);
      const out: tf.NamedTensorMap = {};
      for (const [logical, v] of this.model.weights.entries()) {
        const g = grads.get(logical);
        if (g === undefined) throw new Error(`fast training step: no gradient for ${logical} (config ${JSON.stringify(this.cfg)})`);
        out[v.name] = n.toTensor(n.dims(g).join() === v.shape.join() ? g : n.reshape(g, v.shape));
      }
      return { loss: n.toTensor(dec.loss), accuracy: n.toTensor(dec.accuracy), grads: out };
    } finally {
      n.endStep();
    }
  }

  // ---------------------------------------------------------------- masks

  /** Float masks of step t of a [b, L] bool mask, or undefined when no row is padded there. */
  private stepMask(mask: Uint8Array, b: number, L: number, t: number): StepMask | undefined {
    let all = true;
    for (let i = 0; i < b && all; i++) all = mask[i * L + t] !== 0;
    if (all) return undefined;
    const m = new Float32Array(b);
    const notM = new Float32Array(b);
    for (let i = 0; i < b; i++) (m[i] = mask[i * L + t] ? 1 : 0), (notM[i] = 1 - m[i]);
    return { m: this.n.floats([b, 1], m), notM: this.n.floats([b, 1], notM) };
  }

  // ---------------------------------------------------------------- encoder

  /**
   * Forward of src/seq2seq/encoder.ts (rnn, birnn): x_t = E_src[src_t], per direction
   *   s_t = m_t ⊙ cell(x_t, s_{t−1}) + (1 − m_t) ⊙ s_{t−1},  out_t = m_t ⊙ h_t   (padding keeps the state),
   * birnn: values = [out_fw; out_bw], decoder state_k = tanh([fw_k; bw_k] W_bk + b_bk).
   * Backward: dh_t = dh_{t+1→t} + m_t ⊙ dout_t; the cell sees m_t ⊙ ds_t, the carried state gets (1 − m_t) ⊙ ds_t.
   */
  private encoder(hb: HostBatch, grads: Map<string, H>): { values: H; state: H[]; backward(dValues: H | undefined, dState: H[]): void } {
    const n = this.n;
    const { b, S } = hb;
    const { cell: kind, units: u, embeddingDim: E } = this.cfg;
    const ids = n.int32s([S * b], timeMajor(hb.src, b, S, new Int32Array(S * b))); // [S·b] time-major
    const gathered = n.gather(this.w('encoder/embedding'), ids); // [S·b, E]
    const drop = hb.drop && ((order?: number[]) => n.floats([S * b, E], stepRows(hb.drop!.source, b, S, E, order))); // keep-mask rows, in a step order
    const xs = n.unstack(n.reshape(drop ? n.mul(gathered, drop()) : gathered, [S, b, E])); // S × [b, E]
    const masks = Array.from({ length: S }, (_, t) => this.stepMask(hb.srcMask, b, S, t));
    const zero = n.zeros([b, u]);
    const dirs = (this.cfg.encoder === 'birnn' ? ['forward', 'backward'] : ['forward']).map((name) => {
      const cell = makeFastCell(n, kind, E, u, this.w(`encoder/${name}/kernel`), this.w(`encoder/${name}/recurrent_kernel`), this.w(`encoder/${name}/bias`));
      const order = Array.from({ length: S }, (_, i) => (name === 'backward' ? S - 1 - i : i)); // record k is time order[k]
      let state = kind === 'gru' ? [zero] : [zero, zero];
      const outs: H[] = new Array(S);
      for (const t of order) {
        const next = cell.forward(xs[t], state); // each [b, u]
        const mk = masks[t];
        state = mk ? next.map((s, k) => n.add(n.mul(s, mk.m), n.mul(state[k], mk.notM))) : next;
        outs[t] = mk ? n.mul(state[0], mk.m) : state[0]; // [b, u]
      }
      return { name, cell, order, state, values: n.stack(outs, 1) }; // values [b, S, u]
    });
    const bridges = this.cfg.encoder === 'birnn' ? dirs[0].state.map((_, k) => k).slice(0, kind === 'lstm' ? 2 : 1) : [];
    const bridgeIn = bridges.map((k) => n.concat([dirs[0].state[k], dirs[1].state[k]], 1)); // [b, 2u]
    const bridged = bridges.map((k) => n.tanh(n.biasAdd(n.matMul(bridgeIn[k], this.w(`encoder/bridge${k}/kernel`)), this.w(`encoder/bridge${k}/bias`)))); // [b, u]
    return {
      values: dirs.length === 1 ? dirs[0].values : n.concat(dirs.map((d) => d.values), 2), // [b, S, D]
      state: dirs.length === 1 ? dirs[0].state : bridged,
      backward: (dValues, dState) => {
        let dFinal: H[][]; // per direction, dL/d(final state)
        if (dirs.length === 1) dFinal = [dState];
        else {
          const dIn = bridges.map((k) => {
            const dPre = n.tanhGrad(bridged[k], dState[k]); // [b, u]
            grads.set(`encoder/bridge${k}/kernel`, n.matMul(bridgeIn[k], dPre, true)); // [2u, u]
            grads.set(`encoder/bridge${k}/bias`, n.biasGrad(dPre)); // [u]
            return n.matMul(dPre, this.w(`encoder/bridge${k}/kernel`), false, true); // [b, 2u]
          });
          dFinal = [0, 1].map((d) => dIn.map((x) => n.cols(x, d * u, u))); // [b, u] each
        }
        const dX: H[] = [];
        const dIds: number[] = [];
        dirs.forEach((dir, di) => {
          const dOut = dValues ? n.unstack(dirs.length === 1 ? dValues : n.slice(dValues, [0, 0, di * u], [-1, -1, u]), 1) : undefined; // S × [b, u]
          let d = dFinal[di];
          for (let k = S - 1; k >= 0; k--) {
            const t = dir.order[k];
            const mk = masks[t];
            const ds = dOut ? [n.add(d[0], mk ? n.mul(dOut[t], mk.m) : dOut[t]), ...d.slice(1)] : d; // dL/ds_t
            const { dPrev } = dir.cell.backward(k, mk ? ds.map((x) => n.mul(x, mk.m)) : ds, false);
            d = mk ? dPrev.map((p, j) => n.add(p, n.mul(ds[j], mk.notM))) : dPrev;
          }
          const g = dir.cell.gradients();
          grads.set(`encoder/${dir.name}/kernel`, g.kernel);
          grads.set(`encoder/${dir.name}/recurrent_kernel`, g.recurrent);
          grads.set(`encoder/${dir.name}/bias`, g.bias);
          dX.push(drop ? n.mul(g.input, drop(dir.order)) : g.input); // [S·b, E] in record order
          for (const t of dir.order) for (let i = 0; i < b; i++) dIds.push(hb.src[i * S + t]);
        });
        grads.set('encoder/embedding', n.segmentSum(n.concat(dX, 0), n.int32s([dIds.length], Int32Array.from(dIds)), this.cfg.sourceVocabSize)); // [Vs, E]
      },
    };
  }

  // ---------------------------------------------------------------- decoder and loss

  /**
   * Teacher-forced decoder (src/seq2seq/decoder.ts), logits Z = O W_o + b_o over all N rows at once, and
   *   L = Σ_n m_n xent(Z_n, y_n) / max(Σ m, 1),  dL/dZ_n = m_n (softmax(Z_n) − onehot(y_n)) / max(Σ m, 1).
   * Returns the loss, accuracy and dL/d(encoder values), dL/d(encoder state).
   */
  private decoder(hb: HostBatch, values: H, encState: H[], grads: Map<string, H>): { loss: H; accuracy: H; dValues?: H; dState: H[] } {
    const n = this.n;
    const { b, S, T } = hb;
    const { kind, cell: cellKind, units: u, embeddingDim: E, targetVocabSize: V } = this.cfg;
    const D = encoderWidth(this.cfg);
    const inputDim = kind === 'bahdanau' ? E + D : kind === 'luong' ? E + u : E;
    const cell = makeFastCell(n, cellKind, inputDim, u, this.w('decoder/cell/kernel'), this.w('decoder/cell/recurrent_kernel'), this.w('decoder/cell/bias'));
    const inIds = timeMajor(hb.tgtIn, b, T, new Int32Array(T * b));
    const gathered = n.gather(this.w('decoder/embedding'), n.int32s([T * b], inIds)); // [N, E]
    const dropY = hb.drop && n.floats([T * b, E], stepRows(hb.drop.target, b, T, E)); // keep-mask [N, E]
    const ys = n.unstack(n.reshape(dropY ? n.mul(gathered, dropY) : gathered, [T, b, E])); // T × [b, E]
    const padded = hb.srcMask.some((x) => x === 0);
    const srcMask = padded ? this.sourceMasks(hb) : undefined; // [b, 1, S] float: m and −1e9 (1 − m)

    // forward: the decoder body for this kind; `out` are the rows the output layer reads, [b, ·] per step
    const body = kind === 'baseline' ? this.baseline(ys, encState, cell) : kind === 'bahdanau' ? this.bahdanau(ys, encState, cell, values, srcMask) : this.luong(ys, encState, cell, values, srcMask);
    const dropO = hb.drop && n.floats([T * b, hb.drop.outputWidth], stepRows(hb.drop.output, b, T, hb.drop.outputWidth)); // keep-mask [N, O]
    const O = dropO ? n.mul(n.concat(body.out, 0), dropO) : n.concat(body.out, 0); // [N, u or u+D]
    const Z = n.biasAdd(n.matMul(O, this.w('output/kernel')), this.w('output/bias')); // [N, V]

    // loss
    const labels = n.int32s([T * b], timeMajor(hb.tgtOut, b, T, new Int32Array(T * b))); // [N]
    const mf = timeMajor(hb.tgtMask, b, T, new Float32Array(T * b));
    const count = Math.max(mf.reduce((s, x) => s + x, 0), 1);
    const scale = mf.map((x) => x / count); // m_n / max(Σ m, 1)
    const [xent, dxent] = n.sparseXent(Z, labels); // [N], [N, V]
    const loss = n.sum(n.mul(xent, n.floats([T * b], scale)), [0]); // []
    const accuracy = n.sum(n.mul(n.hits(Z, labels), n.floats([T * b], scale)), [0]); // []
    const dZ = n.mul(dxent, n.floats([T * b, 1], scale)); // [N, V]
    grads.set('output/kernel', n.matMul(O, dZ, true)); // [u(+D), V]
    grads.set('output/bias', n.biasGrad(dZ)); // [V]
    const dOdropped = n.matMul(dZ, this.w('output/kernel'), false, true); // [N, u(+D)]
    const dO = dropO ? n.mul(dOdropped, dropO) : dOdropped;

    // backward through time, then the cell's weights and the target embedding
    const back = body.backward(dO);
    const g = cell.gradients();
    grads.set('decoder/cell/kernel', g.kernel);
    grads.set('decoder/cell/recurrent_kernel', g.recurrent);
    grads.set('decoder/cell/bias', g.bias);
    const dYin = inputDim === E ? g.input : n.cols(g.input, 0, E); // [N, E]
    const dY = dropY ? n.mul(dYin, dropY) : dYin;
    grads.set('decoder/embedding', n.segmentSum(dY, n.int32s([T * b], inIds), V)); // [V, E]
    for (const [k, v] of back.grads) grads.set(k, v);
    return { loss, accuracy, dValues: back.dValues, dState: back.dState };
  }

  private sourceMasks(hb: HostBatch): { m: H; neg: H } {
    const m = Float32Array.from(hb.srcMask, (x) => (x ? 1 : 0));
    return { m: this.n.floats([hb.b, 1, hb.S], m), neg: this.n.floats([hb.b, 1, hb.S], m.map((x) => -1e9 * (1 - x))) };
  }

  /**
   * Masked softmax over the source axis, as maskedSoftmax: α = m ⊙ softmax(e − 10⁹(1 − m)), e [b, 1, S].
   * Backward: dp = m ⊙ dα, de = p ⊙ (dp − Σ_j p_j dp_j).
   */
  private attend(e: H, mask?: { m: H; neg: H }): { p: H; alpha: H } {
    const p = this.n.softmax(mask ? this.n.add(e, mask.neg) : e); // [b, 1, S]
    return { p, alpha: mask ? this.n.mul(p, mask.m) : p };
  }
  private attendGrad(p: H, dAlpha: H, mask?: { m: H; neg: H }): H {
    const n = this.n;
    const dp = mask ? n.mul(dAlpha, mask.m) : dAlpha; // [b, 1, S]
    return n.mul(n.sub(dp, n.sum(n.mul(dp, p), [2], true)), p); // [b, 1, S]
  }

  /**
   * The cell backward over T steps, last first: `before(t, dNext)` gives dL/d(state_t) from step t's outputs and
   * the gradient carried from step t+1; `after(t, dx, dPrev)` may add what step t's input gives s_{t−1}.
   */
  private throughTime(cell: FastCell, T: number, needDx: boolean, before: (t: number, dNext: H[]) => H[], after?: (t: number, dx: H, dPrev: H[]) => H[]): H[] {
    let dNext: H[] = [];
    for (let t = T - 1; t >= 0; t--) {
      const { dPrev, dx } = cell.backward(t, before(t, dNext), needDx);
      dNext = after ? after(t, dx!, dPrev) : dPrev;
    }
    return dNext;
  }

  /** dL/dh_t from the output rows plus the carried gradient; dc_t carried (LSTM, zero at the last step). */
  private plus(a: H, b?: H): H {
    return b === undefined ? a : this.n.add(a, b);
  }
  private carry(dh: H, dNext: H[], cellKind: string, b: number): H[] {
    return cellKind === 'gru' ? [dh] : [dh, dNext[1] ?? this.n.zeros([b, this.cfg.units])];
  }

  /** Baseline: s_t = cell(y_t, s_{t−1}), logits from h_t. */
  private baseline(ys: H[], state: H[], cell: FastCell): Body {
    const n = this.n;
    const u = this.cfg.units;
    const out = ys.map((y) => (state = cell.forward(y, state))[0]); // T × [b, u]
    return {
      out,
      backward: (dO) => {
        const dH = n.unstack(n.reshape(dO, [ys.length, -1, u])); // T × [b, u]
        const dState = this.throughTime(cell, ys.length, false, (t, dNext) => this.carry(this.plus(dH[t], dNext[0]), dNext, this.cfg.cell, n.dims(dH[t])[0]));
        return { dState, grads: [] };
      },
    };
  }

  /**
   * Bahdanau: q = s_{t−1} W_q, H_t = tanh(K + q) with K = values W_k [b, S, A], e = H_t v, α = masked softmax(e),
   * c = α values, s_t = cell([y_t; c], s_{t−1}), output row [h_t; c].
   * Backward per step: dc = dO_c + dx_c, dα = dc valuesᵀ, de (softmax), dH̄_t = (1 − H_t²) ⊙ (de vᵀ), dq = Σ_j dH̄_t,
   * ds_{t−1} += dq W_qᵀ. Summed over steps: dK = Σ_t dH̄_t, dv = Σ H_tᵀ de, dW_q = Σ s_{t−1}ᵀ dq,
   * dvalues = Σ_t α_tᵀ dc_t + dK W_kᵀ, dW_k = valuesᵀ dK.
   */
  private bahdanau(ys: H[], state: H[], cell: FastCell, values: H, mask?: { m: H; neg: H }): Body {
    const n = this.n;
    const [b, S, D] = n.dims(values);
    const { units: u, embeddingDim: E } = this.cfg;
    const A = this.cfg.attentionUnits ?? u;
    const T = ys.length;
    const [Wq, Wk, v] = ['attention/query_kernel', 'attention/key_kernel', 'attention/v'].map((k) => this.w(k)); // [u, A], [D, A], [A, 1]
    const K = n.reshape(n.matMul(n.reshape(values, [b * S, D]), Wk), [b, S, A]); // [b, S, A]
    const st: { sPrev: H; H: H; p: H; alpha: H; c: H }[] = [];
    const out = ys.map((y) => {
      const sPrev = state[0]; // [b, u]
      const Ht = n.tanh(n.add(K, n.reshape(n.matMul(sPrev, Wq), [b, 1, A]))); // [b, S, A]
      const { p, alpha } = this.attend(n.reshape(n.matMul(n.reshape(Ht, [b * S, A]), v), [b, 1, S]), mask); // e = H_t v: [b·S, 1] -> [b, 1, S]
      const c = n.reshape(n.bmm(alpha, values), [b, D]); // [b, D]
      state = cell.forward(n.concat([y, c], 1), state); // s_t
      st.push({ sPrev, H: Ht, p, alpha, c });
      return n.concat([state[0], c], 1); // [b, u + D]
    });
    return {
      out,
      backward: (dO) => {
        const dHo = n.unstack(n.reshape(n.cols(dO, 0, u), [T, b, u])); // T × [b, u]
        const dCo = n.unstack(n.reshape(n.cols(dO, u, D), [T, b, D])); // T × [b, D]
        const WqT = n.transpose(Wq, [1, 0]); // [A, u]
        const vRow = n.reshape(v, [A]); // [A]
        const dq: H[] = new Array(T), dHbar: H[] = new Array(T), dv: H[] = new Array(T), dc: H[] = new Array(T);
        const dState = this.throughTime(
          cell, T, true,
          (t, dNext) => this.carry(this.plus(dHo[t], dNext[0]), dNext, this.cfg.cell, b),
          (t, dx, dPrev) => {
            dc[t] = n.add(dCo[t], n.cols(dx, E, D)); // dx [b, E + D] -> dc [b, D]
            const dAlpha = n.bmm(n.reshape(dc[t], [b, 1, D]), values, false, true); // [b, 1, S]
            const de = this.attendGrad(st[t].p, dAlpha, mask); // [b, 1, S]
            dv[t] = n.reshape(n.bmm(de, st[t].H), [b, A]); // Σ_j de_j H_tj: [b, A] (per step: a bulk [1, T·b·S]·[T·b·S, A] matMul is 3× slower)
            dHbar[t] = n.tanhGrad(st[t].H, n.mul(n.reshape(de, [b, S, 1]), vRow)); // [b, S, A]
            dq[t] = n.sum(dHbar[t], [1]); // [b, A]
            return [n.add(dPrev[0], n.matMul(dq[t], WqT)), ...dPrev.slice(1)]; // ds_{t−1} += dq W_qᵀ
          },
        );
        const dK = n.addN(dHbar); // [b, S, A]
        const dK2 = n.reshape(dK, [b * S, A]);
        const dValues = n.add(
          n.bmm(n.concat(st.map((s) => s.alpha), 1), n.concat(dc.map((x) => n.reshape(x, [b, 1, D])), 1), true), // Σ_t α_tᵀ dc_t: [b, S, D]
          n.reshape(n.matMul(dK2, Wk, false, true), [b, S, D]), // dK W_kᵀ
        );
        return {
          dValues,
          dState,
          grads: [
            ['attention/key_kernel', n.matMul(n.reshape(values, [b * S, D]), dK2, true)], // [D, A]
            ['attention/query_kernel', n.matMul(n.concat(st.map((s) => s.sPrev), 0), n.concat(dq, 0), true)], // [u, A]
            ['attention/v', n.reshape(n.sum(n.concat(dv, 0), [0]), [A, 1])], // [A, 1]
          ],
        };
      },
    };
  }

  /**
   * Luong: s_t = cell([y_t; h̃_{t−1}], s_{t−1}), e = keys h_t (keys = values, or values W_g for 'general'),
   * α = masked softmax(e), c = α values, h̃_t = tanh([c; h_t] W_c + b_c), output row h̃_t.
   * Backward per step: dh̃ = dO_t + dx_h̃ (from step t+1's input), dpre = (1 − h̃²) ⊙ dh̃, [dc dh] = dpre W_cᵀ,
   * dα = dc valuesᵀ, de (softmax), dh += de keys. Summed: dkeys = Σ_t de_tᵀ h_t, dvalues = Σ_t α_tᵀ dc_t + (dkeys or dkeys W_gᵀ).
   */
  private luong(ys: H[], state: H[], cell: FastCell, values: H, mask?: { m: H; neg: H }): Body {
    const n = this.n;
    const [b, S, D] = n.dims(values);
    const { units: u, embeddingDim: E } = this.cfg;
    const T = ys.length;
    const general = (this.cfg.luongScore ?? 'general') === 'general';
    const Wg = general ? this.w('attention/general_kernel') : undefined; // [D, u]
    const keys = Wg ? n.reshape(n.matMul(n.reshape(values, [b * S, D]), Wg), [b, S, u]) : values; // [b, S, u]
    const [Wc, bc] = [this.w('luong/combine_kernel'), this.w('luong/combine_bias')]; // [D + u, u], [u]
    let feed = n.zeros([b, u]); // h̃_0
    const st: { h: H; p: H; alpha: H; ch: H; feed: H }[] = [];
    const out = ys.map((y) => {
      state = cell.forward(n.concat([y, feed], 1), state);
      const h = state[0]; // [b, u]
      const { p, alpha } = this.attend(n.bmm(n.reshape(h, [b, 1, u]), keys, false, true), mask); // [b, 1, S]
      const ch = n.concat([n.reshape(n.bmm(alpha, values), [b, D]), h], 1); // [c; h]: [b, D + u]
      feed = n.tanh(n.biasAdd(n.matMul(ch, Wc), bc)); // h̃_t [b, u]
      st.push({ h, p, alpha, ch, feed });
      return feed;
    });
    return {
      out,
      backward: (dO) => {
        const dFo = n.unstack(n.reshape(dO, [T, b, u])); // T × [b, u]
        const WcT = n.transpose(Wc, [1, 0]); // [u, D + u]
        const dpre: H[] = new Array(T), de: H[] = new Array(T), dc: H[] = new Array(T);
        let dFeedNext: H | undefined;
        const dState = this.throughTime(
          cell, T, true,
          (t, dNext) => {
            dpre[t] = n.tanhGrad(st[t].feed, this.plus(dFo[t], dFeedNext)); // [b, u]
            const dch = n.matMul(dpre[t], WcT); // [b, D + u]
            dc[t] = n.cols(dch, 0, D); // [b, D]
            de[t] = this.attendGrad(st[t].p, n.bmm(n.reshape(dc[t], [b, 1, D]), values, false, true), mask); // [b, 1, S]
            const dhAtt = n.reshape(n.bmm(de[t], keys), [b, u]); // [b, u]
            return this.carry(n.addN([n.cols(dch, D, u), dhAtt, ...(dNext[0] === undefined ? [] : [dNext[0]])]), dNext, this.cfg.cell, b);
          },
          (t, dx, dPrev) => {
            dFeedNext = n.cols(dx, E, u); // h̃_{t−1} was part of step t's input
            return dPrev;
          },
        );
        const dpreAll = n.concat(dpre, 0); // [N, u]
        const dKeys = n.bmm(n.concat(de, 1), n.concat(st.map((s) => n.reshape(s.h, [b, 1, u])), 1), true); // Σ_t de_tᵀ h_t: [b, S, u]
        const dPool = n.bmm(n.concat(st.map((s) => s.alpha), 1), n.concat(dc.map((x) => n.reshape(x, [b, 1, D])), 1), true); // Σ_t α_tᵀ dc_t: [b, S, D]
        const grads: [string, H][] = [
          ['luong/combine_kernel', n.matMul(n.concat(st.map((s) => s.ch), 0), dpreAll, true)], // [D + u, u]
          ['luong/combine_bias', n.biasGrad(dpreAll)], // [u]
        ];
        if (Wg) {
          const dK2 = n.reshape(dKeys, [b * S, u]);
          grads.push(['attention/general_kernel', n.matMul(n.reshape(values, [b * S, D]), dK2, true)]); // [D, u]
          return { dValues: n.add(dPool, n.reshape(n.matMul(dK2, Wg, false, true), [b, S, D])), dState, grads };
        }
        return { dValues: n.add(dPool, dKeys), dState, grads };
      },
    };
  }

  dispose(): void {
    this.n.dispose();
  }
}

/** A decoder body: the rows the output layer reads, and its backward pass from dL/d(those rows). */
interface Body {
  out: H[];
  backward(dO: H): { dValues?: H; dState: H[]; grads: [string, H][] };
}
