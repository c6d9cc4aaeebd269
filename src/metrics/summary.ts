// Two small measures for summaries: the lead-k baseline (a text's first k words) and the rate of repeated
// n-grams in generated text (what coverage is meant to lower, See, Liu & Manning 2017, section 7.2).

/** The words of a text: split on runs of whitespace (the text as a reader sees it, not the model's tokens). */
function words(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}

/** The lead-k summary: the first k whitespace-separated words of `text` joined by single spaces (all of it if shorter). */
export function leadK(text: string, k: number): string {
  if (typeof text !== 'string') throw new TypeError(`leadK: text must be a string, not ${text === null ? 'null' : typeof text}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`leadK: k must be an integer ≥ 1, not ${JSON.stringify(k)}`);
  return words(text).slice(0, k).join(' ');
}

export interface RepetitionRate {
  /** n-grams (over all texts) equal to an earlier n-gram of the same text */
  repeated: number;
  /** all n-grams of the texts: Σ max(0, words − n + 1) */
  total: number;
  /** repeated / total (0 when there are no n-grams) */
  rate: number;
  /** texts holding at least one repeated n-gram */
  textsWithRepeat: number;
}

/**
 * How much texts repeat themselves: of all word n-grams (whitespace words, compared exactly), the share that equal
 * an earlier n-gram of the same text. "a b c a b c" has trigrams abc, bca, cab, abc: 1 repeated of 4.
 */
export function repeatedNgramRate(texts: readonly string[], n = 3): RepetitionRate {
  if (!Array.isArray(texts)) throw new TypeError('repeatedNgramRate: texts must be an array of strings');
  if (!Number.isInteger(n) || n < 1) throw new Error(`repeatedNgramRate: n must be an integer ≥ 1, not ${JSON.stringify(n)}`);
  let repeated = 0;
  let total = 0;
  let textsWithRepeat = 0;
  texts.forEach((text, i) => {
    if (typeof text !== 'string') throw new TypeError(`repeatedNgramRate: text ${i} is ${text === null ? 'null' : typeof text}, not a string`);
    const w = words(text);
    const seen = new Set<string>();
    let here = 0;
    for (let j = 0; j + n <= w.length; j++) {
      const g = w.slice(j, j + n).join(' ');
      if (seen.has(g)) here++;
      else seen.add(g);
      total++;
    }
    repeated += here;
    if (here > 0) textsWithRepeat++;
  });
  return { repeated, total, rate: total === 0 ? 0 : repeated / total, textsWithRepeat };
}
