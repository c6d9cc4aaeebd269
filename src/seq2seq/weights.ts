// Named, seeded weights for the hand-written parts of the models (projections, scores, outputs).
import { tf } from '../tf';

let stores = 0;

export class WeightStore {
  private readonly vars = new Map<string, tf.Variable>();
  /** tfjs variable names are global: each store prefixes its own (the logical names stay short). */
  private readonly prefix = `aw${++stores}`;
  constructor(private readonly seed: number) {}

  /**
   * The variable `name`, created on first use: Glorot-uniform (seeded by the store's seed and the
   * name, so creation order does not matter), zeros, ones, or uniform(-0.05, 0.05) for embeddings.
   */
  get(name: string, shape: number[], init: 'glorot' | 'zeros' | 'ones' | 'embedding' = 'glorot'): tf.Variable {
    let v = this.vars.get(name);
    if (!v) {
      let h = this.seed >>> 0;
      for (const ch of name) h = (Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0);
      const seed = h % 2147483647;
      const value =
        init === 'zeros' ? tf.zeros(shape)
        : init === 'ones' ? tf.ones(shape)
        : init === 'embedding' ? tf.randomUniform(shape, -0.05, 0.05, 'float32', seed)
        : tf.initializers.glorotUniform({ seed }).apply(shape);
      v = tf.variable(value, true, `${this.prefix}/${name}`);
      value.dispose();
      this.vars.set(name, v);
    } else if (v.shape.join() !== shape.join()) {
      throw new Error(`weight ${name}: created with shape [${v.shape}] but asked for [${shape}]`);
    }
    return v;
  }

  /** A variable created earlier by `get`. */
  read(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no weight named ${name}`);
    return v;
  }

  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()];
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
