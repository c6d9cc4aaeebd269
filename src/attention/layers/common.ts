// What the Keras-style attention layers share: reading [query, value, key?] inputs and masks.
import { tf } from '../../tf';
import { describe } from '../shapes';

/** Package under which the layers are registered for serialization (tf.serialization.registerClass). */
export const SERIALIZATION_PACKAGE = 'AttentionWorkbook';

export type MaybeMasks = tf.Tensor | (tf.Tensor | null | undefined)[] | null | undefined;

export interface AttentionCallArgs {
  /** Keras masks of the inputs: [queryMask [b, Tq], valueMask [b, Tv], keyMask? [b, Tv]]. */
  mask?: MaybeMasks;
  training?: boolean;
  returnAttentionScores?: boolean;
  useCausalMask?: boolean;
}

/** Splits `[query, value, key?]`, checking ranks; names the layer and argument on a bad shape. */
export function splitInputs(layer: string, inputs: tf.Tensor | tf.Tensor[]): { query: tf.Tensor3D; value: tf.Tensor3D; key: tf.Tensor3D } {
  if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
    throw new Error(`${layer}: inputs must be [query, value] or [query, value, key]; received ${Array.isArray(inputs) ? inputs.length : 1} tensor(s)`);
  }
  const names = ['query', 'value', 'key'];
  inputs.forEach((t, i) => {
    if (t.rank !== 3) throw new Error(`${layer}: ${names[i]} must have shape [batch, T, dim], received ${describe(t.shape)}`);
  });
  const [query, value, key = value] = inputs as tf.Tensor3D[];
  if (key.shape[1] !== value.shape[1] || key.shape[0] !== value.shape[0]) {
    throw new Error(`${layer}: key ${describe(key.shape)} and value ${describe(value.shape)} must agree in batch and length`);
  }
  if (query.shape[0] !== value.shape[0]) {
    throw new Error(`${layer}: query ${describe(query.shape)} and value ${describe(value.shape)} must have the same batch size`);
  }
  return { query, value, key };
}

export function splitMasks(mask: MaybeMasks): { queryMask?: tf.Tensor; valueMask?: tf.Tensor; keyMask?: tf.Tensor } {
  if (!mask) return {};
  if (!Array.isArray(mask)) throw new Error('attention masks must be a list [queryMask, valueMask, keyMask?]');
  return { queryMask: mask[0] ?? undefined, valueMask: mask[1] ?? undefined, keyMask: mask[2] ?? undefined };
}

export function checkMask(layer: string, name: string, mask: tf.Tensor | undefined, batch: number, length: number): void {
  if (mask && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== length)) {
    throw new Error(`${layer}: ${name} must have shape [${batch}, ${length}], received ${describe(mask.shape)}`);
  }
}

/** Input shapes as a list of shapes (tfjs passes a single shape for a single input). */
export function shapeList(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
  return Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[]) : [inputShape as tf.Shape];
}

/**
 * Keras' rule for the output mask: the attention output keeps the query's mask; the weights output has none.
 *
 * The layers' `computeMask` is this, from the input masks and the layer's config, nothing else. The
 * layers take their masks explicitly, as Keras layers do, through the call's `mask: [queryMask,
 * valueMask, keyMask?]`, and set `supportsMasking` false: tfjs 4's implicit propagation only writes,
 * after an eager call, a `kerasMask` that nothing reads (checking that computeMask's count matches the
 * outputs, which a per-call `returnAttentionScores` changes), and in model execution it hands a layer
 * only its first input's mask. A container that asks for the output masks still gets this rule.
 */
export function queryOutputMask(mask: tf.Tensor | tf.Tensor[] | undefined, withScores: boolean): tf.Tensor | tf.Tensor[] {
  const queryMask = Array.isArray(mask) ? mask[0] ?? null : null;
  return (withScores ? [queryMask, null] : queryMask) as tf.Tensor | tf.Tensor[];
}
