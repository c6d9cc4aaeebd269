// Beam search: keep the k best partial outputs at every step.
import { tf } from '../tf';
import { BOS_ID, Decoded, EOS_ID, StepDecoder } from './types';

export interface BeamOptions {
  /** Beam width k (1 = greedy). */
  width: number;
  maxLength: number;
  /**
   * Length normalisation: finished hypotheses are ranked by score / length^alpha (alpha 0 = raw
   * log-probability, which favours short outputs; default 0.6). Length counts </s>.
   */
  alpha?: number;
}

interface Hyp {
  tokens: number[];
  score: number;
  attention: number[][];
}

/**
 * For each source separately: start from <s>; at every step extend each of the (at most) k live
 * hypotheses by every token and rank the extensions; one ending in </s> among the k best is finished,
 * the best k others stay live.
 * Stops at maxLength (live ones then count as unfinished results), or once k have finished and no live
 * one could still rank above the best finished one.
 */
export function beamSearch<S>(dec: StepDecoder<S>, batchSize: number, opts: BeamOptions): Decoded[] {
  const k = opts.width;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`beamSearch: width must be a positive integer, received ${k}`);
  const alpha = opts.alpha ?? 0.6;
  const norm = (score: number, len: number) => score / Math.max(len, 1) ** alpha;
  const all = dec.init(batchSize);
  const results: Decoded[] = [];
  try {
    for (let src = 0; src < batchSize; src++) {
      let live: Hyp[] = [{ tokens: [], score: 0, attention: [] }];
      const done: (Hyp & { finished: boolean })[] = [];
      const normalised = (h: Hyp & { finished: boolean }) => norm(h.score, h.tokens.length + (h.finished ? 1 : 0));
      /** k endings found, and no live hypothesis ending at the next step could rank above the best of them. */
      const settled = () => {
        if (done.length < k) return false;
        const bestDone = Math.max(...done.map(normalised));
        return live.every((h) => norm(h.score, h.tokens.length + 1) <= bestDone);
      };
      let state: S | undefined = dec.select(all, [src]);
      try {
        for (let t = 0; t < opts.maxLength && state && !settled(); t++) {
          const prev = tf.tensor1d(live.map((h) => (h.tokens.length ? h.tokens[h.tokens.length - 1] : BOS_ID)), 'int32');
          const step = dec.step(prev, state);
          prev.dispose();
          dec.dispose(state);
          state = undefined;
          const lp = step.logProbs.dataSync() as Float32Array;
          const V = step.logProbs.shape[1];
          const att = step.attention ? (step.attention.arraySync() as number[][]) : undefined;
          tf.dispose([step.logProbs, ...(step.attention ? [step.attention] : [])]);
          const cands: { h: number; v: number; score: number }[] = [];
          live.forEach((h, i) => {
            for (let v = 0; v < V; v++) cands.push({ h: i, v, score: h.score + lp[i * V + v] });
          });
          cands.sort((a, b) => b.score - a.score);
          const next: Hyp[] = [];
          const rows: number[] = [];
          cands.slice(0, 2 * k).forEach((c, rank) => {
            const h = live[c.h];
            const attention = att ? [...h.attention, att[c.h]] : h.attention;
            if (c.v === EOS_ID) {
              // an ending counts only if it is among the k best extensions of this step
              if (rank < k) done.push({ tokens: h.tokens, score: c.score, attention, finished: true });
            } else if (next.length < k) {
              next.push({ tokens: [...h.tokens, c.v], score: c.score, attention });
              rows.push(c.h);
            }
          });
          if (rows.length) state = dec.select(step.state, rows);
          dec.dispose(step.state);
          live = next;
        }
      } finally {
        if (state) dec.dispose(state);
      }
      for (const h of live) done.push({ ...h, finished: false });
      done.sort((a, b) => normalised(b) - normalised(a)); // finished lengths include </s>
      const best = done[0];
      results.push({ tokens: best.tokens, score: best.score, finished: best.finished, ...(best.attention.length ? { attention: best.attention } : {}) });
    }
  } finally {
    dec.dispose(all);
  }
  return results;
}
