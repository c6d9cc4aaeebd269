// Named axes, checked as tensors flow (after TensorFlow's NMT tutorial): the first tensor that uses
// an axis name fixes its size; every later use must agree, or the error names the tensor and axis.
import type { tf } from './tf';

export class ShapeChecker {
  private readonly sizes = new Map<string, number>();

  /**
   * Checks `t` against space-separated axis names ('batch s units'); a number checks a fixed size.
   * Returns the tensor, so it can wrap an expression. Logs `name [batch=2, s=23, units=64]` if `log`.
   */
  check<T extends tf.Tensor>(t: T, axes: string, name = 'tensor', log = false): T {
    const names = axes.trim().split(/\s+/);
    if (names.length !== t.rank) throw new Error(`ShapeChecker: ${name} has shape [${t.shape}] (rank ${t.rank}), expected axes (${names.join(', ')})`);
    names.forEach((axis, i) => {
      const size = t.shape[i];
      const fixed = Number(axis);
      if (Number.isInteger(fixed)) {
        if (size !== fixed) throw new Error(`ShapeChecker: ${name} axis ${i} is ${size}, expected ${fixed}`);
        return;
      }
      const known = this.sizes.get(axis);
      if (known === undefined) this.sizes.set(axis, size);
      else if (known !== size) throw new Error(`ShapeChecker: ${name} axis ${i} "${axis}" is ${size}, but "${axis}" was ${known} before (shape [${t.shape}])`);
    });
    if (log) console.log(`${name.padEnd(14)} [${names.map((a, i) => (Number.isInteger(Number(a)) ? a : `${a}=${t.shape[i]}`)).join(', ')}]`);
    return t;
  }
}
