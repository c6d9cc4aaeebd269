// An L2 pull toward the weights fine-tuning starts from: a mitigation of catastrophic forgetting.
//
// Fine-tuning minimises the new domain's loss L(θ) alone, and nothing keeps θ near the pre-trained θ₀ that
// served the old domain. The anchor adds a quadratic penalty
//
//     L(θ) + (λ/2) · Σ_i (θ_i − θ₀_i)²,   whose gradient adds λ (θ − θ₀) to ∇L(θ),
//
// the "L2-SP" regulariser (Li, Grandvalet & Davoine 2018), a uniform-weight special case of elastic weight
// consolidation (Kirkpatrick et al. 2017), which weights each θ_i by its Fisher information. Training adds
// the pull to each trained weight's gradient before clipping, so it works the same with the fast step and
// the autodiff step (both hand the loop the gradients of L alone); the reported loss stays L.
import { tf } from '../tf';

/** `train`'s `anchor` option: the pull's strength λ (0: none, bit for bit the same training as without). */
export interface AnchorOptions {
  weight: number;
}

/** The weights being pulled, with copies of their values when the pull started (θ₀). */
export interface Anchor {
  readonly weight: number;
  /** by variable name */
  readonly start: ReadonlyMap<string, { variable: tf.Variable; value: tf.Tensor }>;
}

/** Records θ₀: a copy of each variable's value now (dispose with disposeAnchor). */
export function makeAnchor(vars: readonly tf.Variable[], weight: number): Anchor {
  if (!(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) throw new Error(`anchor: weight must be a number ≥ 0, not ${JSON.stringify(weight)}`);
  return { weight, start: new Map(vars.map((v) => [v.name, { variable: v, value: v.clone() }])) };
}

export function disposeAnchor(a: Anchor | undefined): void {
  if (a) tf.dispose([...a.start.values()].map((s) => s.value));
}

/** The penalty (λ/2) Σ (θ − θ₀)² over the anchored weights, at their current values. */
export function anchorPenalty(a: Anchor): tf.Scalar {
  return tf.tidy(() => {
    const terms = [...a.start.values()].map(({ variable, value }) => tf.sum(tf.square(tf.sub(variable, value))));
    return tf.mul(a.weight / 2, terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
  });
}

/**
 * `grads` (keyed by variable name) with the pull λ (θ − θ₀) added to each anchored weight's gradient; a
 * gradient for a weight the anchor does not hold is an error (the anchor must cover what is trained).
 */
export function withAnchorGradients(grads: tf.NamedTensorMap, a: Anchor): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const [k, g] of Object.entries(grads)) {
    const s = a.start.get(k);
    if (!s) throw new Error(`anchor: no starting value recorded for the weight ${k}`);
    out[k] = tf.tidy(() => tf.add(g, tf.mul(a.weight, tf.sub(s.variable, s.value))));
  }
  return out;
}
