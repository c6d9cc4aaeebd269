// Shape checks with errors that name the function or layer, the argument, and expected vs received.
import type { tf } from '../tf';

type Shaped = { shape: readonly number[] } | tf.Tensor;

export function describe(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? 'None' : d)).join(', ')}]`;
}

export function checkRank(where: string, arg: string, t: Shaped, rank: number): void {
  if (t.shape.length !== rank) {
    throw new Error(`${where}: ${arg} must have rank ${rank}, received shape ${describe(t.shape)}`);
  }
}

/** Like checkRank, for functions batched over one or two leading axes ([batch, T, d] or [batch, heads, T, d]). */
export function checkRankIn(where: string, arg: string, t: Shaped, ranks: readonly number[]): void {
  if (!ranks.includes(t.shape.length)) {
    throw new Error(`${where}: ${arg} must have rank ${ranks.join(' or ')}, received shape ${describe(t.shape)}`);
  }
}

/** Checks that axis `ia` of `a` and axis `ib` of `b` have the same size (negative axes count from the end). */
export function checkSameSize(where: string, aName: string, a: Shaped, ia: number, bName: string, b: Shaped, ib: number): void {
  const da = a.shape[ia < 0 ? a.shape.length + ia : ia];
  const db = b.shape[ib < 0 ? b.shape.length + ib : ib];
  if (da != null && db != null && da !== db) {
    throw new Error(
      `${where}: ${aName} ${describe(a.shape)} and ${bName} ${describe(b.shape)} disagree: ` +
        `axis ${ia} of ${aName} is ${da}, axis ${ib} of ${bName} is ${db}; they must be equal`,
    );
  }
}
