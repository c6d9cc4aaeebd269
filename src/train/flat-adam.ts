// Adam over all of a group's weights at once. tfjs' AdamOptimizer updates each weight with its own ~14
// TensorFlow kernels (and ~5 uploaded constants); a Transformer has ~90 weight tensors, so that is ~1 300 kernels
// a step, each with its fixed cost (chapter 05), for arithmetic that is the same for every element. Here the
// gradients are laid end to end in one vector, the moments live as one vector each, the same elementwise
// formulas run once, and the step is split back per weight:
//   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − η m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
// The same kernels on the same element values in the same order as tf.train.adam's, so the weights come out
// bit for bit equal (the test holds it to tolerance 0): elementwise float arithmetic does not depend on where an
// element sits in a tensor. About 3 kernels per weight remain (a reshape in, a reshape out, the add).
import { tf } from '../tf';

export interface FlatAdamState {
  /** Adam's step count t. */
  iterations: number;
  /** β₁ᵗ and β₂ᵗ as accumulated in float32 (multiplied step by step, as tfjs does). */
  accBeta1: tf.Tensor;
  accBeta2: tf.Tensor;
  /** Per weight, in the order the optimizer gets its gradients: m and v, each of the weight's shape. */
  moments: { m: tf.Tensor; v: tf.Tensor }[];
}

/**
 * Adam (Kingma & Ba 2015) with tf.train.adam's numbers, one set of kernels for all weights. It keeps the
 * weights it was first given gradients for, by name and in order; a later call with other names is an error.
 */
export class FlatAdam extends tf.Optimizer {
  static className = 'FlatAdam';
  private accBeta1: tf.Variable;
  private accBeta2: tf.Variable;
  /** The names, shapes and sizes of the weights, fixed at the first step (or by setState). */
  private layout?: { names: string[]; shapes: number[][]; sizes: number[] };
  /** The moments of every weight end to end: [Σ sizes] each. */
  private m?: tf.Variable;
  private v?: tf.Variable;

  constructor(protected learningRate: number, protected beta1 = 0.9, protected beta2 = 0.999, protected epsilon: number = tf.backend().epsilon()) {
    super();
    this.accBeta1 = tf.tidy(() => tf.variable(tf.scalar(beta1), false));
    this.accBeta2 = tf.tidy(() => tf.variable(tf.scalar(beta2), false));
  }

  applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const pairs = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const names = pairs.map(([n]) => n);
    const values = names.map((n) => {
      const v = tf.engine().registeredVariables[n];
      if (!v) throw new Error(`FlatAdam: no variable named ${JSON.stringify(n)}`);
      return v;
    });
    if (!this.layout) this.setLayout(names, values.map((v) => v.shape));
    const layout = this.layout!;
    if (names.length !== layout.names.length || names.some((n, i) => n !== layout.names[i])) {
      throw new Error(`FlatAdam: gradients for [${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}] (${names.length}); this optimizer updates [${layout.names.slice(0, 4).join(', ')}${layout.names.length > 4 ? ', …' : ''}] (${layout.names.length}), always the same weights in the same order`);
    }
    pairs.forEach(([n, g], i) => {
      if (g.shape.join() !== layout.shapes[i].join()) throw new Error(`FlatAdam: the gradient of ${n} has shape [${g.shape}], the weight [${layout.shapes[i]}]`);
    });
    const m = this.m!;
    const v = this.v!;
    tf.tidy(() => {
      const gradient = pairs.length === 1 ? tf.reshape(pairs[0][1], [-1]) : tf.concat(pairs.map(([, g]) => tf.reshape(g, [-1]))); // [N]
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      const newFirstMoment = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const newSecondMoment = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
      const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
      m.assign(newFirstMoment);
      v.assign(newSecondMoment);
      const step = tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), this.epsilon)), -this.learningRate); // [N]
      const parts = pairs.length === 1 ? [step] : tf.split(step, layout.sizes);
      values.forEach((w, i) => w.assign(tf.add(tf.reshape(parts[i], layout.shapes[i]), w)));
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  private setLayout(names: string[], shapes: number[][], moments?: { m: tf.Tensor; v: tf.Tensor }[]): void {
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const total = sizes.reduce((a, b) => a + b, 0);
    const flat = (k: 'm' | 'v') => tf.tidy(() => tf.variable(moments ? tf.concat(moments.map((x) => tf.reshape(x[k], [-1]))) : tf.zeros([total]), false));
    tf.dispose([this.m, this.v].filter((x): x is tf.Variable => x !== undefined));
    this.layout = { names, shapes, sizes };
    this.m = flat('m');
    this.v = flat('v');
  }

  /** The state for a checkpoint: copies (the caller disposes them), the moments split per weight. */
  getState(): FlatAdamState {
    return tf.tidy(() => {
      const split = (x: tf.Variable | undefined) => (x && this.layout ? tf.split(x, this.layout.sizes).map((p, i) => tf.reshape(p, this.layout!.shapes[i])) : []);
      const [ms, vs] = [split(this.m), split(this.v)];
      return { iterations: this.iterations, accBeta1: tf.clone(this.accBeta1), accBeta2: tf.clone(this.accBeta2), moments: ms.map((m, i) => ({ m, v: vs[i] })) } as unknown as tf.TensorContainer;
    }) as unknown as FlatAdamState;
  }

  /** Restores getState's state before the first step: `names[i]`, `shapes[i]` are the i-th weight's (moments may be [] for a state before the first step). */
  setState(names: readonly string[], shapes: readonly number[][], state: FlatAdamState): void {
    if (this.layout) throw new Error('optimizer state: restore it before the first step');
    if (state.moments.length !== 0) {
      if (state.moments.length !== names.length) throw new Error(`optimizer state: ${state.moments.length} moment pairs for ${names.length} weights`);
      this.setLayout([...names], shapes.map((s) => [...s]), state.moments);
    }
    this.accBeta1.assign(state.accBeta1 as tf.Scalar);
    this.accBeta2.assign(state.accBeta2 as tf.Scalar);
    this.iterations_ = state.iterations;
  }

  override dispose(): void {
    tf.dispose([this.accBeta1, this.accBeta2, ...[this.m, this.v].filter((x): x is tf.Variable => x !== undefined)]);
    this.m = this.v = undefined;
    this.layout = undefined;
  }

  override async getWeights(): ReturnType<tf.Optimizer['getWeights']> {
    throw new Error('FlatAdam: use getState() (tfjs getWeights/setWeights would recompute β powers with pow() and change the numbers)');
  }
  override async setWeights(): Promise<void> {
    throw new Error('FlatAdam: use setState()');
  }
  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
