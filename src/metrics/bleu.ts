// BLEU (Papineni et al. 2002) exactly as sacrebleu computes it by default (corpus_bleu: 13a tokens,
// n-grams up to 4, "exp" smoothing, corpus-level brevity penalty), one reference per sentence.
import { tokenize13a } from './tokenize13a';

export interface BleuScore {
  /** 0..100 */
  score: number;
  /** matching n-grams, n = 1..4 (clipped by the reference counts) */
  counts: number[];
  /** hypothesis n-grams, n = 1..4 */
  totals: number[];
  /** 100 · counts / totals, smoothed */
  precisions: number[];
  /** brevity penalty: 1 if sysLen > refLen, else exp(1 − refLen/sysLen) */
  bp: number;
  sysLen: number;
  refLen: number;
}

export interface BleuOptions {
  /** 'exp' (sacrebleu's default, NIST) or 'none'. */
  smooth?: 'exp' | 'none';
  /** Only average the n-gram orders the hypotheses have (sacrebleu's sentence_bleu does). */
  effectiveOrder?: boolean;
  /** Token lists instead of 13a tokenization of strings, e.g. characters for Chinese. */
  tokenize?: (s: string) => string[];
  lowercase?: boolean;
}

const MAX_N = 4;

function ngrams(tokens: string[]): Map<string, number>[] {
  const out = Array.from({ length: MAX_N }, () => new Map<string, number>());
  for (let n = 1; n <= MAX_N; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const g = tokens.slice(i, i + n).join('\u0001');
      out[n - 1].set(g, (out[n - 1].get(g) ?? 0) + 1);
    }
  }
  return out;
}

/**
 * BLEU = BP · exp( (1/N) Σ_n log p_n ),  p_n = Σ clipped matching n-grams / Σ hypothesis n-grams.
 * With "exp" smoothing an order with no match gets p_n = 100 / (2^k · total_n) for its k-th occurrence.
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly string[], opts: BleuOptions = {}): BleuScore {
  if (hypotheses.length !== references.length) {
    throw new Error(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} references`);
  }
  const tok = (s: string) => (opts.tokenize ?? tokenize13a)(opts.lowercase ? s.toLowerCase() : s);
  const counts = Array(MAX_N).fill(0);
  const totals = Array(MAX_N).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hypotheses.forEach((h, i) => {
    const ht = tok(h);
    const rt = tok(references[i]);
    sysLen += ht.length;
    refLen += rt.length;
    const hg = ngrams(ht);
    const rg = ngrams(rt);
    for (let n = 0; n < MAX_N; n++) {
      for (const [g, c] of hg[n]) {
        totals[n] += c;
        counts[n] += Math.min(c, rg[n].get(g) ?? 0);
      }
    }
  });
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = Array(MAX_N).fill(0);
  const base = { counts, totals, precisions, bp, sysLen, refLen };
  if (!counts.some((c) => c > 0)) return { score: 0, ...base };
  let smooth = 1;
  let order = MAX_N;
  for (let n = 1; n <= MAX_N; n++) {
    if (totals[n - 1] === 0) break;
    if (opts.effectiveOrder) order = n;
    if (counts[n - 1] === 0) {
      if ((opts.smooth ?? 'exp') === 'exp') {
        smooth *= 2;
        precisions[n - 1] = 100 / (smooth * totals[n - 1]);
      }
    } else precisions[n - 1] = (100 * counts[n - 1]) / totals[n - 1];
  }
  const log = (p: number) => (p === 0 ? -9999999999 : Math.log(p));
  const score = bp * Math.exp(precisions.slice(0, order).reduce((s, p) => s + log(p), 0) / order);
  return { score, ...base };
}

/** sacrebleu's sentence_bleu: corpus BLEU of one pair with effective order. */
export function sentenceBleu(hypothesis: string, reference: string, opts: BleuOptions = {}): BleuScore {
  return corpusBleu([hypothesis], [reference], { effectiveOrder: true, ...opts });
}
