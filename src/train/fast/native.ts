// Direct calls into TensorFlow's eager C API through tfjs-node's binding, for the hand-written training
// step. A tfjs op costs about twice a direct call (Tensor objects, engine bookkeeping, a fresh int32
// upload for every axis or shape argument); here a tensor is a bare native handle (a number), its shape is
// kept on the JS side, and axis/shape arguments are uploaded once and reused.
//
// Ownership: every handle an op returns is recorded in the current step's list and deleted by `endStep`,
// except the ones handed to tfjs with `toTensor` (tfjs then owns and frees them). Constants live until
// `dispose`. `live` counts the handles this object owns, so a test can prove that nothing is left per step.
import { tf } from '../../tf';

/** A native TensorFlow tensor handle (TFE_TensorHandle id in tfjs-node's binding). */
export type H = number;

interface Meta {
  id: number;
  shape: number[];
  dtype: number;
}

export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** The parts of tfjs-node's native binding used here (see tfjs-node/dist/nodejs_kernel_backend.js). */
export interface Binding {
  executeOp(name: string, attrs: OpAttr[], inputs: number[], numOutputs: number): Meta[];
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array): number;
  deleteTensor(id: number): void;
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_STRING: number;
  TF_Version: string;
}

export interface NodeBackend {
  binding: Binding;
  getInputTensorIds(tensors: tf.Tensor[]): number[];
  createOutputTensor(meta: Meta): tf.Tensor;
  /** Any TensorFlow op by name on tfjs tensors (tfjs' own bookkeeping, so autodiff and tf.tidy see its outputs). */
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

/** Every TensorFlow op the fast step runs: the backend must have them all. */
export const FAST_STEP_OPS = [
  'AddN', 'AddV2', 'ArgMax', 'BatchMatMulV2', 'BiasAdd', 'BiasAddGrad', 'Cast', 'ConcatV2', 'Equal', 'GRUBlockCell', 'GRUBlockCellGrad',
  'GatherV2', 'LSTMBlockCell', 'LSTMBlockCellGrad', 'MatMul', 'Mul', 'Pack', 'Reshape', 'Slice', 'Softmax', 'SparseSoftmaxCrossEntropyWithLogits',
  'Sub', 'Sum', 'Tanh', 'TanhGrad', 'Transpose', 'Unpack', 'UnsortedSegmentSum',
] as const;

/** The versions a refusal names: tfjs-node's and the libtensorflow it was built against. */
export function backendVersions(): string {
  const b = nodeBackend();
  return `@tensorflow/tfjs-node ${tf.version['tfjs-node']}, libtensorflow ${b?.binding.TF_Version ?? 'unknown'}`;
}

/** tfjs-node's native backend, when it is the one in use (undefined on any other backend). */
export function nodeBackend(): NodeBackend | undefined {
  const b = tf.backend() as unknown as Partial<NodeBackend>;
  return b && typeof b.getInputTensorIds === 'function' && typeof b.executeMultipleOutputs === 'function' && b.binding && typeof b.binding.executeOp === 'function'
    ? (b as NodeBackend)
    : undefined;
}

const known = new Map<string, boolean>();

/**
 * Whether the TensorFlow runtime has op `name`. TFE rejects an unknown op name with NOT_FOUND before it
 * looks at inputs or attributes, while a known op called without them fails with another status: so an
 * empty call tells the two apart without running anything.
 */
export function backendHasOp(name: string): boolean {
  let has = known.get(name);
  if (has === undefined) {
    const b = nodeBackend();
    if (!b) return false;
    try {
      b.binding.executeOp(name, [], [], 1).forEach((m) => b.binding.deleteTensor(m.id)); // not expected to run
      has = true;
    } catch (e) {
      has = !/neither a type of a primitive operation|not registered|NOT_FOUND/i.test(String((e as Error).message));
    }
    known.set(name, has);
  }
  return has;
}

/** The ops of FAST_STEP_OPS the backend lacks (`hasOp` is injectable so tests can fake a missing op). */
export function missingOps(hasOp: (name: string) => boolean = backendHasOp): string[] {
  return FAST_STEP_OPS.filter((op) => !hasOp(op));
}

/** Counts of native handles, for leak tests: `live` is what this object owns right now. */
export interface HandleCounts {
  created: number;
  deleted: number;
  /** handed over to tfjs tensors (tfjs frees them) */
  transferred: number;
  live: number;
}

export class Native {
  private readonly b: Binding;
  private readonly backend: NodeBackend;
  private readonly shapes = new Map<H, number[]>();
  private readonly dtypes = new Map<H, number>();
  private step: H[] = [];
  private readonly constants = new Map<string, H>();
  readonly counts = { created: 0, deleted: 0, transferred: 0 };
  private readonly F: OpAttr;
  private readonly I32: number;

  constructor() {
    const b = nodeBackend();
    if (!b) throw new Error(`fast training step: the tfjs backend is ${tf.getBackend()}, not tfjs-node's native "tensorflow" backend`);
    this.backend = b;
    this.b = b.binding;
    this.F = this.type('T', this.b.TF_FLOAT);
    this.I32 = this.b.TF_INT32;
  }

  get live(): number {
    return this.shapes.size;
  }

  handleCounts(): HandleCounts {
    return { ...this.counts, live: this.live };
  }

  // ---- ownership ----

  private own(m: Meta): H {
    this.shapes.set(m.id, m.shape);
    this.dtypes.set(m.id, m.dtype);
    this.counts.created++;
    return m.id;
  }

  private free(h: H): void {
    if (!this.shapes.delete(h)) return;
    this.dtypes.delete(h);
    this.b.deleteTensor(h);
    this.counts.deleted++;
  }

  /** Deletes every handle the step created except those already given to tfjs. */
  endStep(): void {
    for (const h of this.step) this.free(h);
    this.step = [];
    this.borrowed.clear();
  }

  /** The handle of a tfjs tensor, borrowed (tfjs keeps owning it). */
  of(t: tf.Tensor): H {
    const id = this.backend.getInputTensorIds([t])[0];
    if (!this.shapes.has(id)) this.borrowed.set(id, t.shape);
    return id;
  }
  private readonly borrowed = new Map<H, number[]>();

  /** Gives handle `h` to tfjs: the returned tensor owns it (dispose it, or let a tidy scope do so). */
  toTensor<R extends tf.Rank>(h: H): tf.Tensor<R> {
    const shape = this.shapes.get(h);
    if (!shape) throw new Error(`fast step: handle ${h} is not owned here, so it cannot be handed to tfjs`);
    const dtype = this.dtypes.get(h)!;
    this.shapes.delete(h);
    this.dtypes.delete(h);
    this.counts.transferred++;
    this.step = this.step.filter((x) => x !== h);
    return this.backend.createOutputTensor({ id: h, shape, dtype }) as tf.Tensor<R>;
  }

  /** Shape of an owned or borrowed handle. */
  dims(h: H): number[] {
    const s = this.shapes.get(h) ?? this.borrowed.get(h);
    if (!s) throw new Error(`fast step: handle ${h} is not live`);
    return s;
  }

  // ---- running ops ----

  private type(name: string, value: number): OpAttr {
    return { name, type: this.b.TF_ATTR_TYPE, value };
  }
  private int(name: string, value: number): OpAttr {
    return { name, type: this.b.TF_ATTR_INT, value };
  }
  private bool(name: string, value: boolean): OpAttr {
    return { name, type: this.b.TF_ATTR_BOOL, value };
  }

  run(name: string, attrs: OpAttr[], inputs: H[], outputs = 1): H[] {
    let metas: Meta[];
    try {
      metas = this.b.executeOp(name, attrs, inputs, outputs);
    } catch (e) {
      throw new Error(`fast step: TensorFlow op ${name} failed on inputs ${inputs.map((h) => `[${this.shapes.get(h) ?? this.borrowed.get(h) ?? '?'}]`).join(', ')}: ${(e as Error).message.split('\n').slice(0, 2).join(' ')}`);
    }
    const hs = metas.map((m) => this.own(m));
    this.step.push(...hs);
    return hs;
  }
  private one(name: string, attrs: OpAttr[], inputs: H[]): H {
    return this.run(name, attrs, inputs, 1)[0];
  }

  /** A persistent constant (int32 vector for shapes/axes, or a float32 array), uploaded once. */
  private constant(kind: 'i' | 'f', shape: number[], values: number[]): H {
    const key = `${kind}${shape.join('x')}:${values.join(',')}`;
    let h = this.constants.get(key);
    if (h === undefined) {
      const dtype = kind === 'i' ? this.I32 : this.b.TF_FLOAT;
      h = this.b.createTensor(shape, dtype, kind === 'i' ? Int32Array.from(values) : Float32Array.from(values));
      this.shapes.set(h, shape);
      this.dtypes.set(h, dtype);
      this.counts.created++;
      this.constants.set(key, h);
    }
    return h;
  }
  ints(values: number[]): H {
    return this.constant('i', [values.length], values);
  }
  private int0(v: number): H {
    return this.constant('i', [], [v]);
  }
  zeros(shape: number[]): H {
    return this.constant('f', shape, new Array(shape.reduce((a, b) => a * b, 1)).fill(0));
  }

  /** A float32 tensor from JS numbers, freed with the step. */
  floats(shape: number[], values: Float32Array): H {
    const h = this.b.createTensor(shape, this.b.TF_FLOAT, values);
    this.shapes.set(h, shape);
    this.dtypes.set(h, this.b.TF_FLOAT);
    this.counts.created++;
    this.step.push(h);
    return h;
  }
  /** An int32 tensor from JS numbers, freed with the step. */
  int32s(shape: number[], values: Int32Array): H {
    const h = this.b.createTensor(shape, this.I32, values);
    this.shapes.set(h, shape);
    this.dtypes.set(h, this.I32);
    this.counts.created++;
    this.step.push(h);
    return h;
  }

  /** a·b with optional transposes: [m, k]·[k, n] -> [m, n] */
  matMul(a: H, b: H, ta = false, tb = false): H {
    return this.one('MatMul', [this.bool('transpose_a', ta), this.bool('transpose_b', tb), this.F], [a, b]);
  }
  /** batched a·b (batch dims broadcast): [..., m, k]·[..., k, n] -> [..., m, n] */
  bmm(a: H, b: H, adjX = false, adjY = false): H {
    return this.one('BatchMatMulV2', [this.F, this.bool('adj_x', adjX), this.bool('adj_y', adjY)], [a, b]);
  }
  add(a: H, b: H): H {
    return this.one('AddV2', [this.F], [a, b]);
  }
  addN(xs: H[]): H {
    return xs.length === 1 ? xs[0] : this.one('AddN', [this.int('N', xs.length), this.F], xs);
  }
  sub(a: H, b: H): H {
    return this.one('Sub', [this.F], [a, b]);
  }
  mul(a: H, b: H): H {
    return this.one('Mul', [this.F], [a, b]);
  }
  tanh(x: H): H {
    return this.one('Tanh', [this.F], [x]);
  }
  /** dL/dx of y = tanh(x) from y and dL/dy: dy ⊙ (1 − y²) */
  tanhGrad(y: H, dy: H): H {
    return this.one('TanhGrad', [this.F], [y, dy]);
  }
  softmax(x: H): H {
    return this.one('Softmax', [this.F], [x]);
  }
  /** x + b, b [n] along the last axis */
  biasAdd(x: H, b: H): H {
    return this.one('BiasAdd', [this.F], [x, b]);
  }
  /** Σ over all but the last axis: the gradient of a bias */
  biasGrad(dy: H): H {
    return this.one('BiasAddGrad', [this.F], [dy]);
  }
  sum(x: H, axes: number[], keepDims = false): H {
    return this.one('Sum', [this.bool('keep_dims', keepDims), this.F, this.type('Tidx', this.I32)], [x, this.ints(axes)]);
  }
  reshape(x: H, shape: number[]): H {
    return this.one('Reshape', [this.F, this.type('Tshape', this.I32)], [x, this.ints(shape)]);
  }
  transpose(x: H, perm: number[], dtype: 'float32' | 'int32' = 'float32'): H {
    return this.one('Transpose', [this.type('T', dtype === 'int32' ? this.I32 : this.b.TF_FLOAT), this.type('Tperm', this.I32)], [x, this.ints(perm)]);
  }
  concat(xs: H[], axis: number): H {
    return xs.length === 1 ? xs[0] : this.one('ConcatV2', [this.int('N', xs.length), this.F, this.type('Tidx', this.I32)], [...xs, this.int0(axis)]);
  }
  /** x[begin : begin + size] (size −1 = to the end) */
  slice(x: H, begin: number[], size: number[]): H {
    return this.one('Slice', [this.F, this.type('Index', this.I32)], [x, this.ints(begin), this.ints(size)]);
  }
  /** columns [from, from + n) of a 2-D tensor */
  cols(x: H, from: number, n: number): H {
    return this.slice(x, [0, from], [-1, n]);
  }
  /** rows [from, from + n) of a 2-D tensor */
  rows(x: H, from: number, n: number): H {
    return this.slice(x, [from, 0], [n, -1]);
  }
  /** xs stacked along a new axis */
  stack(xs: H[], axis: number): H {
    return this.one('Pack', [this.int('N', xs.length), this.F, this.int('axis', axis)], xs);
  }
  unstack(x: H, axis = 0): H[] {
    const n = this.dims(x)[axis];
    return this.run('Unpack', [this.int('num', n), this.F, this.int('axis', axis)], [x], n);
  }
  /** params[indices] along axis 0 */
  gather(params: H, indices: H): H {
    return this.one('GatherV2', [this.type('Tparams', this.b.TF_FLOAT), this.type('Tindices', this.I32), this.type('Taxis', this.I32), this.int('batch_dims', 0)], [params, indices, this.int0(0)]);
  }
  /** out[k] = Σ_{i: ids[i] = k} data[i], k < n: the gradient of a gather */
  segmentSum(data: H, ids: H, n: number): H {
    return this.one('UnsortedSegmentSum', [this.F, this.type('Tindices', this.I32), this.type('Tnumsegments', this.I32)], [data, ids, this.int0(n)]);
  }
  /** per row: loss −log softmax(logits)[label] [N] and its gradient softmax − onehot [N, V] */
  sparseXent(logits: H, labels: H): [H, H] {
    const [loss, grad] = this.run('SparseSoftmaxCrossEntropyWithLogits', [this.F, this.type('Tlabels', this.I32)], [logits, labels], 2);
    return [loss, grad];
  }
  /** 1 where argmax(x, last axis) = labels, else 0: float [N] */
  hits(x: H, labels: H): H {
    const am = this.one('ArgMax', [this.F, this.type('Tidx', this.I32), this.type('output_type', this.I32)], [x, this.int0(1)]);
    const eq = this.one('Equal', [this.type('T', this.I32)], [am, labels]);
    return this.one('Cast', [this.type('SrcT', this.b.TF_BOOL), this.type('DstT', this.b.TF_FLOAT)], [eq]);
  }

  /** TF GRUBlockCell: x [b, in], h [b, u], w_ru [in+u, 2u], w_c [in+u, u], b_ru [2u], b_c [u] -> r, u, c, h' */
  gruCell(x: H, h: H, wru: H, wc: H, bru: H, bc: H): H[] {
    return this.run('GRUBlockCell', [this.F], [x, h, wru, wc, bru, bc], 4);
  }
  /** TF GRUBlockCellGrad -> d_x, d_h_prev, d_c_bar, d_r_bar_u_bar */
  gruCellGrad(ins: H[]): H[] {
    return this.run('GRUBlockCellGrad', [this.F], ins, 4);
  }
  /** TF LSTMBlockCell (no peephole, no clipping, forget bias 1): -> i, cs, f, o, ci, co, h */
  lstmCell(ins: H[]): H[] {
    return this.run('LSTMBlockCell', [{ name: 'forget_bias', type: this.b.TF_ATTR_FLOAT, value: 1 }, { name: 'cell_clip', type: this.b.TF_ATTR_FLOAT, value: -1 }, this.bool('use_peephole', false), this.F], ins, 7);
  }
  /** TF LSTMBlockCellGrad -> cs_prev_grad, dicfo, wci_grad, wcf_grad, wco_grad */
  lstmCellGrad(ins: H[]): H[] {
    return this.run('LSTMBlockCellGrad', [this.bool('use_peephole', false), this.F], ins, 5);
  }

  /** Frees the step's handles and the constants. */
  dispose(): void {
    this.endStep();
    for (const h of this.constants.values()) this.free(h);
    this.constants.clear();
  }
}
