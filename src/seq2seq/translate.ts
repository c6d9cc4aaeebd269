// Text in, text out: tokenize, encode, decode (greedy or beam), detokenize; with the attention weights.
import { padSequences } from '../data/batch';
import { copyIds, decodeExtended } from '../data/copy';
import { beamSearch, Decoded, greedyDecode } from '../decode';
import { tf } from '../tf';
import type { ModelBundle } from './io';

export interface Translation {
  source: string;
  text: string;
  /** source and output tokens, for heatmap labels */
  sourceTokens: string[];
  tokens: string[];
  /** [output step][source token]; the last row is the step that produced </s> */
  attention?: number[][];
  score: number;
  finished: boolean;
}

export interface TranslateOptions {
  /** Beam width; 1 (default) decodes greedily, batched. */
  beam?: number;
  /** Longest output in tokens (default: 2 × the longest source + 10). */
  maxLength?: number;
  alpha?: number;
  batchSize?: number;
}

/**
 * Translates texts with a model bundle. A copy model (config copy) reads the source also in extended target ids
 * (../data/copy): an output token past the target vocabulary is the source word it copied, written as in the source.
 */
export function translate(b: ModelBundle, texts: readonly string[], opts: TranslateOptions = {}): Translation[] {
  const copy = b.model.config.kind !== 'transformer' && b.model.config.copy === true;
  const out: Translation[] = [];
  const size = opts.batchSize ?? 64;
  for (let s = 0; s < texts.length; s += size) {
    const chunk = texts.slice(s, s + size);
    const toks = chunk.map((t, i) => {
      const tk = b.sourceTokenizer.tokenize(t);
      if (tk.length === 0) throw new Error(`translate: input ${s + i} is empty after tokenization: ${JSON.stringify(t)}`);
      return tk;
    });
    const ids = padSequences(toks.map((t) => b.sourceVocab.encode(t)));
    const source = tf.tensor2d(ids, undefined, 'int32');
    const mask = tf.tensor2d(ids.map((r, i) => r.map((_, j) => (j < toks[i].length ? 1 : 0))), undefined, 'bool');
    const ext = copy ? toks.map((t) => copyIds(t, [], b.targetVocab)) : undefined; // extended ids and OOV words per source
    const sourceExt = ext && tf.tensor2d(padSequences(ext.map((e) => e.sourceExt)), undefined, 'int32'); // [n, S]
    const maxLength = opts.maxLength ?? 2 * Math.max(...toks.map((t) => t.length)) + 10;
    let decoded: Decoded[];
    try {
      const dec = b.model.stepDecoder(source, mask, { sourceExt });
      decoded = (opts.beam ?? 1) > 1
        ? beamSearch(dec, chunk.length, { width: opts.beam!, maxLength, alpha: opts.alpha })
        : greedyDecode(dec, chunk.length, { maxLength });
    } finally {
      tf.dispose([source, mask, ...(sourceExt ? [sourceExt] : [])]);
    }
    decoded.forEach((d, i) => {
      const tokens = ext ? decodeExtended(b.targetVocab, d.tokens, ext[i].oovs) : b.targetVocab.decode(d.tokens);
      out.push({
        source: chunk[i],
        text: b.targetTokenizer.detokenize(tokens),
        sourceTokens: toks[i],
        tokens,
        attention: d.attention?.map((row) => row.slice(0, toks[i].length)),
        score: d.score,
        finished: d.finished,
      });
    });
  }
  return out;
}
