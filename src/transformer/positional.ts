// Positional encodings: attention is blind to order, so each position's vector gets its position added.
import { tf } from '../tf';

/**
 * Vaswani et al.'s sinusoids, for positions offset … offset + length − 1:
 *   PE[p, 2i] = sin(p / 10000^{2i/d}),   PE[p, 2i+1] = cos(p / 10000^{2i/d}).
 * Each pair of dimensions is a rotation at its own frequency, so PE[p + k] is a linear function of PE[p].
 * @returns [length, d]
 */
export function sinusoidalEncoding(length: number, d: number, offset = 0): tf.Tensor2D {
  if (!Number.isInteger(length) || length < 0) throw new Error(`sinusoidalEncoding: length must be an integer ≥ 0, not ${length}`);
  if (!Number.isInteger(d) || d < 1) throw new Error(`sinusoidalEncoding: d must be a positive integer, not ${d}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`sinusoidalEncoding: offset must be an integer ≥ 0, not ${offset}`);
  const pe = new Float32Array(length * d);
  for (let p = 0; p < length; p++) {
    for (let j = 0; j < d; j++) {
      const angle = (p + offset) / 10000 ** ((2 * Math.floor(j / 2)) / d);
      pe[p * d + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(pe, [length, d]);
}
