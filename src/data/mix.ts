// Mixed fine-tuning (Chu, Dabre & Kurohashi 2017): fine-tune on the new domain's examples together with some of
// the old domain's, so the training signal keeps asking for what the model already knew. Chu et al. mix the
// whole out-of-domain corpus with the in-domain one oversampled to the same size; with a small in-domain set that
// would mean mostly old-domain training, so here the old share is a ratio to the in-domain count.
import { rng, shuffled } from './random';

export interface MixOptions {
  /** Old-domain examples per in-domain example: round(oldRatio · inDomain.length) are drawn (0: none). */
  oldRatio: number;
  /** Seeds which old examples are drawn and the order of the result. */
  seed: number;
}

/**
 * Every in-domain example and round(oldRatio · n) old-domain examples drawn without replacement (seeded), in one
 * seeded shuffled order. Asking for more old examples than there are is an error naming the counts.
 */
export function mixDomains<T>(inDomain: readonly T[], oldDomain: readonly T[], opts: MixOptions): T[] {
  const { oldRatio, seed } = opts ?? ({} as MixOptions);
  if (!(typeof oldRatio === 'number' && Number.isFinite(oldRatio) && oldRatio >= 0)) throw new Error(`mixDomains: oldRatio must be a number ≥ 0, not ${JSON.stringify(oldRatio)}`);
  if (!Number.isInteger(seed)) throw new Error(`mixDomains: seed must be an integer, not ${JSON.stringify(seed)}`);
  if (inDomain.length === 0) throw new Error('mixDomains: no in-domain examples');
  const count = Math.round(oldRatio * inDomain.length);
  if (count > oldDomain.length) throw new Error(`mixDomains: oldRatio ${oldRatio} asks for ${count} old-domain examples (${inDomain.length} in-domain), but there are only ${oldDomain.length}`);
  const r = rng(seed);
  const old = shuffled(oldDomain, r).slice(0, count);
  return shuffled([...inDomain, ...old], r);
}
