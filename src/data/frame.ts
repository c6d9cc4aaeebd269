// danfo.js DataFrames for the notebooks' tables (danfo is loaded only when a table is asked for).
import type { DataFrame } from 'danfojs-node';
import type { Pair } from './corpus';

/** Pairs as a DataFrame with columns source, target, line (the first `limit` rows). */
export function pairsFrame(pairs: readonly Pair[], limit = pairs.length): DataFrame {
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const rows = pairs.slice(0, limit);
  return new dfd.DataFrame({ source: rows.map((p) => p.source), target: rows.map((p) => p.target), line: rows.map((p) => p.line) });
}
