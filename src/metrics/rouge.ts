// ROUGE (Lin 2004) exactly as Google's rouge-score (PyPI `rouge-score` 0.1.2, `rouge_scorer.RougeScorer` with its
// default tokenizer) computes ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum for one reference and one prediction,
// with `use_stemmer` off or on. Checked against it on tests/fixtures/rouge.json (scripts/make_rouge_fixtures.py).
//
// Tokenization is English-oriented, like rouge-score's: the text is lower-cased, every run of characters outside
// [a-z0-9] becomes a space (so accented letters, non-Latin scripts and apostrophes split or vanish:
// "déjà vu" → ["d", "j", "vu"], "l'homme" → ["l", "homme"], "每小时" → []), and the text is split on spaces.
// With `stem: true` tokens longer than 3 characters go through nltk's Porter stemmer in its default
// NLTK_EXTENSIONS mode (./porter.ts). The project uses ROUGE for English summaries of Debian package descriptions.
import { porterStem } from './porter';

/** One ROUGE measure for one pair, each in 0..1 (rouge-score's `Score`). */
export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum, in rouge-score's names. */
export interface RougeScores {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
  rougeLsum: RougeScore;
}

export type RougeType = keyof RougeScores;
export const ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export interface RougeOptions {
  /** Porter-stem tokens longer than 3 characters (rouge-score's `use_stemmer`). Default false. */
  stem?: boolean;
}

export interface CorpusRouge {
  /** Plain mean over pairs of each precision, recall and F (not rouge-score's bootstrap aggregate). */
  mean: RougeScores;
  /** Per-pair scores, in input order. */
  pairs: RougeScores[];
}

function checkString(what: string, s: unknown): asserts s is string {
  if (typeof s !== 'string') throw new TypeError(`${what}: expected a string, got ${s === null ? 'null' : typeof s}`);
}

/**
 * rouge-score's default tokenizer: lower-case, replace each run of characters other than [a-z0-9] by a space,
 * split, and (with `stem`) Porter-stem the tokens longer than 3 characters.
 */
export function rougeTokenize(text: string, opts: RougeOptions = {}): string[] {
  checkString('rougeTokenize', text);
  const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(' ').filter((t) => t.length > 0);
  return opts.stem ? tokens.map((t) => (t.length > 3 ? porterStem(t) : t)).filter((t) => /^[a-z0-9]+$/.test(t)) : tokens;
}

/** F = 2·P·R / (P + R), and 0 when P + R = 0. */
function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function score(hits: number, predicted: number, reference: number): RougeScore {
  const precision = hits / predicted;
  const recall = hits / reference;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

const ZERO: RougeScore = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(' ');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/**
 * ROUGE-N: overlap = Σ_g min(count_ref(g), count_pred(g)) over the n-grams g;
 * P = overlap / max(#pred n-grams, 1), R = overlap / max(#ref n-grams, 1), F = 2PR / (P + R).
 */
export function rougeN(refTokens: readonly string[], predTokens: readonly string[], n: number): RougeScore {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rougeN: n must be a positive integer, got ${n}`);
  const ref = ngramCounts(refTokens, n);
  const pred = ngramCounts(predTokens, n);
  let overlap = 0;
  for (const [g, c] of ref) overlap += Math.min(c, pred.get(g) ?? 0);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return score(overlap, Math.max(total(pred), 1), Math.max(total(ref), 1));
}

/** table[i][j] = length of the LCS of ref[0..i) and pred[0..j). */
function lcsTable(ref: readonly string[], pred: readonly string[]): Uint32Array[] {
  const t = Array.from({ length: ref.length + 1 }, () => new Uint32Array(pred.length + 1));
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= pred.length; j++) {
      t[i][j] = ref[i - 1] === pred[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t;
}

/** ROUGE-L: P = |LCS| / |pred|, R = |LCS| / |ref|, F = 2PR / (P + R); all 0 if either side has no token. */
export function rougeL(refTokens: readonly string[], predTokens: readonly string[]): RougeScore {
  if (refTokens.length === 0 || predTokens.length === 0) return { ...ZERO };
  const lcs = lcsTable(refTokens, predTokens)[refTokens.length][predTokens.length];
  return score(lcs, predTokens.length, refTokens.length);
}

/** Indices into ref of one LCS with pred, read back from the table the way rouge-score does (ties move up in ref). */
function lcsIndices(ref: readonly string[], pred: readonly string[]): number[] {
  const t = lcsTable(ref, pred);
  const out: number[] = [];
  let i = ref.length;
  let j = pred.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === pred[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i][j - 1] > t[i - 1][j]) j--;
    else i--;
  }
  return out.reverse();
}

function countTokens(sentences: readonly (readonly string[])[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of sentences) for (const t of s) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/**
 * ROUGE-Lsum, summary-level LCS (Lin 2004, section 3.2): sentences are the text's lines ("\n"; empty lines dropped).
 * For each reference sentence r_i, the union LCS ∪_j LCS(r_i, c_j) with every prediction sentence c_j is taken, and
 * each of its tokens is a hit while it has an unused count left on both sides (as ROUGE 1.5.5, no double counting).
 * P = hits / #pred tokens, R = hits / #ref tokens, F = 2PR / (P + R).
 */
export function rougeLsum(refSentences: readonly (readonly string[])[], predSentences: readonly (readonly string[])[]): RougeScore {
  const m = refSentences.reduce((a, s) => a + s.length, 0);
  const n = predSentences.reduce((a, s) => a + s.length, 0);
  if (m === 0 || n === 0) return { ...ZERO };
  const leftRef = countTokens(refSentences);
  const leftPred = countTokens(predSentences);
  let hits = 0;
  for (const r of refSentences) {
    const union = new Set<number>();
    for (const c of predSentences) for (const i of lcsIndices(r, c)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const tok = r[i];
      const a = leftPred.get(tok) ?? 0;
      const b = leftRef.get(tok) ?? 0;
      if (a > 0 && b > 0) {
        hits++;
        leftPred.set(tok, a - 1);
        leftRef.set(tok, b - 1);
      }
    }
  }
  return score(hits, n, m);
}

const lines = (text: string, opts: RougeOptions) => text.split('\n').filter((l) => l.length > 0).map((l) => rougeTokenize(l, opts));

/**
 * ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum of one prediction against one reference, equal to
 * `RougeScorer(['rouge1', 'rouge2', 'rougeL', 'rougeLsum'], use_stemmer=stem).score(reference, prediction)`.
 * Note the order: reference (rouge-score's "target") first.
 */
export function rougeScores(reference: string, prediction: string, opts: RougeOptions = {}): RougeScores {
  checkString('rougeScores: reference', reference);
  checkString('rougeScores: prediction', prediction);
  const ref = rougeTokenize(reference, opts);
  const pred = rougeTokenize(prediction, opts);
  return {
    rouge1: rougeN(ref, pred, 1),
    rouge2: rougeN(ref, pred, 2),
    rougeL: rougeL(ref, pred),
    rougeLsum: rougeLsum(lines(reference, opts), lines(prediction, opts)),
  };
}

/**
 * Per-pair ROUGE and its plain mean over the pairs: mean_k = (1/N) Σ_i score_k(i), for precision, recall and F
 * separately (summed in input order). rouge-score's `BootstrapAggregator` instead reports the median ("mid") and a
 * 95% interval of 1000 bootstrap resamples of that mean, which is random and lands close to, not on, this mean.
 */
export function corpusRouge(references: readonly string[], predictions: readonly string[], opts: RougeOptions = {}): CorpusRouge {
  if (!Array.isArray(references) || !Array.isArray(predictions)) throw new TypeError('corpusRouge: references and predictions must be arrays of strings');
  if (references.length !== predictions.length) {
    throw new Error(`corpusRouge: ${references.length} references but ${predictions.length} predictions`);
  }
  if (references.length === 0) throw new Error('corpusRouge: no pairs to score');
  const pairs = references.map((r, i) => rougeScores(r, predictions[i], opts));
  const mean = {} as RougeScores;
  for (const type of ROUGE_TYPES) {
    const sum = { precision: 0, recall: 0, fmeasure: 0 };
    for (const p of pairs) {
      sum.precision += p[type].precision;
      sum.recall += p[type].recall;
      sum.fmeasure += p[type].fmeasure;
    }
    mean[type] = { precision: sum.precision / pairs.length, recall: sum.recall / pairs.length, fmeasure: sum.fmeasure / pairs.length };
  }
  return { mean, pairs };
}
