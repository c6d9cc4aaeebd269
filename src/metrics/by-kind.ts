// Exact match broken down by a label of each example, e.g. the question kind of the stories dataset.
import { exactMatch } from './accuracy';

export interface KindScore {
  kind: string;
  /** Examples of this kind. */
  n: number;
  /** Of them, exactly right. */
  correct: number;
  /** correct / n. */
  exactMatch: number;
}

/**
 * Exact match of hypotheses against references, per kind: one row per kind, in the order `order` gives (default:
 * the order in which kinds first occur). A kind in `order` with no example is an error, as are lists of different
 * lengths.
 */
export function exactMatchByKind(hypotheses: readonly string[], references: readonly string[], kinds: readonly string[], order?: readonly string[]): KindScore[] {
  if (hypotheses.length !== references.length || hypotheses.length !== kinds.length) {
    throw new Error(`exactMatchByKind: ${hypotheses.length} hypotheses, ${references.length} references and ${kinds.length} kinds; they must be as many`);
  }
  const names = order ?? [...new Set(kinds)];
  return names.map((kind) => {
    const idx = kinds.flatMap((k, i) => (k === kind ? [i] : []));
    if (idx.length === 0) throw new Error(`exactMatchByKind: no example of kind ${JSON.stringify(kind)}; the kinds are ${[...new Set(kinds)].join(', ')}`);
    const em = exactMatch(idx.map((i) => hypotheses[i]), idx.map((i) => references[i]));
    return { kind, n: idx.length, correct: Math.round(em * idx.length), exactMatch: em };
  });
}
