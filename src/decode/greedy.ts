// Greedy decoding and temperature sampling, batched over all sources.
import { rng } from '../data/random';
import { tf } from '../tf';
import { BOS_ID, Decoded, EOS_ID, StepDecoder } from './types';

export interface SamplingOptions {
  maxLength: number;
  /** 0 (or omitted) = greedy argmax; otherwise sample from softmax(log p / temperature). */
  temperature?: number;
  /** Seed for sampling: the same seed gives the same outputs. */
  seed?: number;
}

function pickSampled(row: Float32Array, temperature: number, r: () => number): number {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v / temperature);
  const w = Array.from(row, (v) => Math.exp(v / temperature - max));
  const total = w.reduce((a, b) => a + b, 0);
  let u = r() * total;
  for (let i = 0; i < w.length; i++) if ((u -= w[i]) <= 0) return i;
  return w.length - 1;
}

/**
 * y_t = argmax_v log p(v | y_<t, x) for every source in the batch at once (or a sample at temperature τ:
 * p_τ(v) ∝ p(v)^{1/τ}). Stops a row at </s>, all rows at maxLength.
 */
export function decodeBatch<S>(dec: StepDecoder<S>, batchSize: number, opts: SamplingOptions): Decoded[] {
  const temperature = opts.temperature ?? 0;
  if (temperature < 0) throw new Error(`decode: temperature must be >= 0, received ${temperature}`);
  const r = rng(opts.seed ?? 0);
  const out: Decoded[] = Array.from({ length: batchSize }, () => ({ tokens: [], score: 0, finished: false }));
  let state = dec.init(batchSize);
  let prev = Array<number>(batchSize).fill(BOS_ID);
  try {
    for (let t = 0; t < opts.maxLength && out.some((d) => !d.finished); t++) {
      const prevT = tf.tensor1d(prev, 'int32');
      const step = dec.step(prevT, state);
      prevT.dispose();
      dec.dispose(state);
      state = step.state;
      const lp = step.logProbs.dataSync() as Float32Array;
      const V = step.logProbs.shape[1];
      const att = step.attention ? (step.attention.arraySync() as number[][]) : undefined;
      tf.dispose([step.logProbs, ...(step.attention ? [step.attention] : [])]);
      prev = out.map((d, i) => {
        if (d.finished) return EOS_ID;
        const row = lp.subarray(i * V, (i + 1) * V) as Float32Array;
        let id = 0;
        if (temperature === 0) {
          for (let v = 1; v < V; v++) if (row[v] > row[id]) id = v;
        } else id = pickSampled(row, temperature, r);
        d.score += row[id];
        if (att) (d.attention ??= []).push(att[i]);
        if (id === EOS_ID) d.finished = true;
        else d.tokens.push(id);
        return id;
      });
    }
  } finally {
    dec.dispose(state);
  }
  return out;
}

export function greedyDecode<S>(dec: StepDecoder<S>, batchSize: number, opts: { maxLength: number }): Decoded[] {
  return decodeBatch(dec, batchSize, { maxLength: opts.maxLength });
}

export function sampleDecode<S>(dec: StepDecoder<S>, batchSize: number, opts: { maxLength: number; temperature: number; seed: number }): Decoded[] {
  if (!(opts.temperature > 0)) throw new Error(`sampleDecode: temperature must be > 0, received ${opts.temperature}`);
  return decodeBatch(dec, batchSize, opts);
}
