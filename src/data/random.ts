// A small seeded pseudo-random generator (mulberry32) for shuffles, splits and data generation:
// the same seed gives the same sequence on every machine and Node version.

export type Rng = () => number;

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi] inclusive. */
export function randInt(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function pick<T>(r: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: no items to pick from');
  return items[Math.floor(r() * items.length)];
}

/** A shuffled copy (Fisher–Yates); every order is equally likely, unlike danfo's `sample`. */
export function shuffled<T>(items: readonly T[], seed: number | Rng): T[] {
  const r = typeof seed === 'function' ? seed : rng(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
