// Filters over pairs, reporting what each one dropped: nothing disappears silently.
import type { Pair } from './corpus';

export interface FilterOptions {
  /** Longest source / target, measured by `length` (default: characters). */
  maxSourceLength?: number;
  maxTargetLength?: number;
  length?: (text: string) => number;
  /** Drop pairs whose source or target is empty after trimming (default true). */
  dropEmpty?: boolean;
  /** Keep only the first of pairs with the same source and target (default true). */
  dropDuplicates?: boolean;
}

export interface FilterResult<T> {
  pairs: T[];
  /** How many pairs each rule dropped, e.g. { 'source too long': 12, duplicate: 3 }. */
  dropped: Record<string, number>;
}

export function filterPairs<T extends Pick<Pair, 'source' | 'target'>>(pairs: readonly T[], opts: FilterOptions = {}): FilterResult<T> {
  const len = opts.length ?? ((s: string) => Array.from(s).length);
  const dropped: Record<string, number> = {};
  const drop = (why: string) => {
    dropped[why] = (dropped[why] ?? 0) + 1;
  };
  const seen = new Set<string>();
  const kept: T[] = [];
  for (const p of pairs) {
    if ((opts.dropEmpty ?? true) && (p.source.trim() === '' || p.target.trim() === '')) drop('empty');
    else if (opts.maxSourceLength !== undefined && len(p.source) > opts.maxSourceLength) drop('source too long');
    else if (opts.maxTargetLength !== undefined && len(p.target) > opts.maxTargetLength) drop('target too long');
    else if ((opts.dropDuplicates ?? true) && seen.has(p.source + '\u0000' + p.target)) drop('duplicate');
    else {
      seen.add(p.source + '\u0000' + p.target);
      kept.push(p);
    }
  }
  return { pairs: kept, dropped };
}
