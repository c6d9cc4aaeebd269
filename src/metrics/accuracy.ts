// Exact match, and scores broken down by source length (where attention should make the difference).
import { BleuOptions, corpusBleu } from './bleu';

export interface Scored {
  sourceLength: number;
  hypothesis: string;
  reference: string;
}

export function exactMatch(hypotheses: readonly string[], references: readonly string[]): number {
  if (hypotheses.length !== references.length) throw new Error(`exactMatch: ${hypotheses.length} hypotheses but ${references.length} references`);
  if (hypotheses.length === 0) return 0;
  return hypotheses.filter((h, i) => h === references[i]).length / hypotheses.length;
}

export interface LengthBucket {
  /** lengths in [from, to] */
  from: number;
  to: number;
  n: number;
  exactMatch: number;
  bleu: number;
}

/**
 * Splits items into buckets by source length (`edges` are the upper bounds, ascending; the last
 * bucket takes the rest) and scores each: exact match and corpus BLEU.
 */
export function byLength(items: readonly Scored[], edges: readonly number[], bleu: BleuOptions = {}): LengthBucket[] {
  const sorted = [...edges].sort((a, b) => a - b);
  const buckets: LengthBucket[] = [];
  let from = 0;
  for (const to of [...sorted, Infinity]) {
    const inside = items.filter((it) => it.sourceLength >= from && it.sourceLength <= to);
    if (inside.length > 0) {
      buckets.push({
        from,
        to,
        n: inside.length,
        exactMatch: exactMatch(inside.map((i) => i.hypothesis), inside.map((i) => i.reference)),
        bleu: corpusBleu(inside.map((i) => i.hypothesis), inside.map((i) => i.reference), bleu).score,
      });
    }
    from = to + 1;
  }
  return buckets;
}

/** Length edges that cut the items into `parts` groups of about equal size (e.g. 3 for thirds). */
export function quantileEdges(lengths: readonly number[], parts: number): number[] {
  const s = [...lengths].sort((a, b) => a - b);
  return Array.from({ length: parts - 1 }, (_, i) => s[Math.floor(((i + 1) * s.length) / parts) - 1]);
}
