// Named, seeded weights for the hand-written parts of the models (projections, scores, outputs).
import { tf } from '../tf';

/** Whether a live tfjs variable is named under `scope/`. */
function scopeInUse(scope: string): boolean {
  return Object.keys(tf.engine().registeredVariables).some((n) => n.startsWith(`${scope}/`));
}

function checkScopeName(scope: string): void {
  if (typeof scope !== 'string' || !/^[^\s/]+(\/[^\s/]+)*$/.test(scope)) {
    throw new Error(`weights scope must be a non-empty name without spaces (parts joined by /), not ${JSON.stringify(scope)}`);
  }
}

/**
 * The first of `base`, `base_1`, `base_2`, … under which no live tfjs variable is named. tfjs keeps one
 * global registry of variable names and throws on a duplicate, so each live store needs its own scope;
 * this derives one from that registry (a disposed model's scope is free again).
 */
export function freeScope(base: string): string {
  checkScopeName(base);
  let name = base;
  for (let k = 1; scopeInUse(name); k++) name = `${base}_${k}`;
  return name;
}

export class WeightStore {
  private readonly vars = new Map<string, tf.Variable>();

  /**
   * @param seed seeds every initializer (with the weight's name)
   * @param scope prefix of the tfjs variable names, `scope/name` (the logical names, which saved models
   *   use, stay short). No live variable may already be named under it: see `freeScope`.
   */
  constructor(private readonly seed: number, readonly scope: string) {
    checkScopeName(scope);
    if (scopeInUse(scope)) throw new Error(`weights scope ${JSON.stringify(scope)} is in use by live tfjs variables (another model?); dispose that model or choose another scope (the first free one is ${JSON.stringify(freeScope(scope))})`);
  }

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
      v = tf.variable(value, true, `${this.scope}/${name}`);
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
