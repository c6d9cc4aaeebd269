// Attention over tokens summed per sentence: which sentence of a story an output word read.
//   β_tk = Σ_{j : sentence(j) = k} α_tj

/**
 * Sums each row of attention weights (`weights[t][j]`, output step t over source token j) over the tokens of each
 * sentence. `sentenceOf[j]` is token j's sentence, 0, 1, …, or -1 for a token of none (the question, as
 * storyTokenSentences gives it). Returns `[t][k]` with one column per sentence 0 … K−1 (K = the largest index + 1;
 * a sentence without tokens gets 0) and a last column for the tokens of no sentence. Each row keeps its sum.
 */
export function sentenceAttention(weights: readonly (readonly number[])[], sentenceOf: readonly number[]): number[][] {
  sentenceOf.forEach((k, j) => {
    if (!Number.isInteger(k) || k < -1) throw new Error(`sentenceAttention: sentenceOf[${j}] is ${k}; a sentence index is an integer ≥ 0, or -1 for none`);
  });
  const K = Math.max(-1, ...sentenceOf) + 1;
  return weights.map((row, t) => {
    if (row.length !== sentenceOf.length) throw new Error(`sentenceAttention: row ${t} has ${row.length} weights for ${sentenceOf.length} tokens in sentenceOf`);
    const out = new Array<number>(K + 1).fill(0);
    row.forEach((a, j) => {
      out[sentenceOf[j] < 0 ? K : sentenceOf[j]] += a;
    });
    return out;
  });
}

/** The sentence with the most weight in a row of sentenceAttention (the last column, no sentence, left out); the first on ties. */
export function mostAttendedSentence(row: readonly number[]): number {
  if (row.length < 2) throw new Error(`mostAttendedSentence: a row of sentenceAttention has a column per sentence and one for the question; this one has ${row.length}`);
  let best = 0;
  for (let k = 1; k < row.length - 1; k++) if (row[k] > row[best]) best = k;
  return best;
}
