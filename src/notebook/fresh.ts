// Re-running a notebook cell must not pile up memory. A cell that builds a model (or keeps tensors for later
// cells) makes new ones each time it runs, and the old ones stay alive: tfjs frees a tensor or a variable only
// when it is disposed, never by garbage collection. `fresh` gives such a value a name and frees whatever was
// made under that name before.
import { tf } from '../tf';

const made = new Map<string, unknown>();

/**
 * `make()`'s result, remembered under `key`; whatever was made under the same key before is disposed first.
 * In a notebook, `const model = fresh('model', () => new Seq2Seq(config))` can be rerun any number of times
 * and only the latest model holds memory. Anything `disposeDeep` frees can be made this way: a model, a layer,
 * tensors, or arrays and plain objects holding them (a model bundle, a record of models).
 */
export function fresh<T>(key: string, make: () => T): T {
  if (made.has(key)) {
    const old = made.get(key);
    made.delete(key);
    disposeDeep(old);
  }
  const value = make();
  made.set(key, value);
  return value;
}

/**
 * Frees `value`: a tensor or variable; a tfjs layer (once built); anything else with a `dispose()` method
 * (a `Seq2Seq`); or, recursively, the elements of an array, the values of a Map and the properties of a
 * plain object. Other values (numbers, strings, vocabularies, ...) are left alone. Disposing twice is harmless.
 */
export function disposeDeep(value: unknown): void {
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof tf.Tensor) {
      v.dispose();
    } else if (v instanceof tf.layers.Layer) {
      disposeLayer(v);
    } else if (typeof (v as { dispose?: unknown }).dispose === 'function') {
      (v as { dispose(): void }).dispose();
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v instanceof Map) {
      v.forEach(visit);
    } else if (isPlainObject(v)) {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
}

/** tfjs throws when a layer is disposed before it is built or a second time; neither holds memory. */
function disposeLayer(layer: tf.layers.Layer): void {
  if (!layer.built) return;
  try {
    layer.dispose();
  } catch (e) {
    if (!/already disposed/.test((e as Error).message)) throw e;
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
