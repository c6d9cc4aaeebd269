// Tokenizers that can be undone. Whitespace is kept as a marker, SentencePiece-style: a token that
// follows a space (or starts the text) begins with '▁' (U+2581). So detokenize(tokenize(s)) === s
// for text that is already normalised (single spaces, trimmed, NFC, and lower case if asked for).
import { BpeMerge, BpeOptions, bpeSegmenter, learnBpe, LearnBpeOptions } from './bpe';

export const SPACE_MARK = '\u2581';

export interface Tokenizer {
  /** e.g. 'char', 'word', 'word:zh' */
  readonly kind: string;
  /** What rebuilds this tokenizer (`makeTokenizer(spec)`); saved with a model. */
  readonly spec: TokenizerSpec;
  tokenize(text: string): string[];
  detokenize(tokens: readonly string[]): string;
}

export interface TokenizerOptions {
  /** Unicode normalisation applied first (default 'NFC'); NFKC also folds width and compatibility forms. */
  normalize?: 'NFC' | 'NFKC' | 'none';
  lowercase?: boolean;
  /** Word tokenizer only: segment with Intl.Segmenter for this locale (needed for zh/ja, which have no spaces). */
  locale?: string;
  /** Word tokenizer only: every digit is a token of its own, so any number can be spelled with ten tokens. */
  splitDigits?: boolean;
}

export interface CharWordSpec extends TokenizerOptions {
  type: 'char' | 'word';
}

/** A BPE tokenizer: the word tokenizer's options (its words are what BPE splits) and the merges in order. */
export interface BpeTokenizerSpec extends TokenizerOptions, BpeOptions {
  type: 'bpe';
  merges: BpeMerge[];
}

export type TokenizerSpec = CharWordSpec | BpeTokenizerSpec;

/** The tokenizer a spec describes (as saved with a model). */
export function makeTokenizer(spec: TokenizerSpec): Tokenizer {
  if (spec?.type === 'char') return charTokenizer(spec);
  if (spec?.type === 'word') return wordTokenizer(spec);
  if (spec?.type === 'bpe') return bpeTokenizer(spec);
  throw new Error(`makeTokenizer: type must be 'char', 'word' or 'bpe', received ${JSON.stringify((spec as { type?: unknown })?.type)}`);
}

/** Normalises, optionally lower-cases, collapses whitespace runs to one space and trims. */
export function prepareText(text: string, opts: TokenizerOptions = {}): string {
  let t = opts.normalize === 'none' ? text : text.normalize(opts.normalize ?? 'NFC');
  if (opts.lowercase) t = t.toLocaleLowerCase(opts.locale);
  return t.replace(/\s+/gu, ' ').trim();
}

/** A token as a person reads it: the space marker removed. */
export function displayToken(token: string): string {
  return token.startsWith(SPACE_MARK) ? token.slice(1) : token;
}

function checkNoMarker(text: string, kind: string): void {
  if (text.includes(SPACE_MARK)) throw new Error(`${kind} tokenizer: text contains the space marker U+2581 '▁': ${JSON.stringify(text.slice(0, 40))}`);
}

function joinMarked(tokens: readonly string[]): string {
  return tokens.map((t, i) => (t.startsWith(SPACE_MARK) ? (i === 0 ? '' : ' ') + t.slice(1) : t)).join('');
}

/** Characters (code points); a space becomes the token '▁'. */
export function charTokenizer(opts: TokenizerOptions = {}): Tokenizer {
  return {
    kind: 'char',
    spec: { ...opts, type: 'char' },
    tokenize(text) {
      checkNoMarker(text, 'char');
      return Array.from(prepareText(text, opts), (c) => (c === ' ' ? SPACE_MARK : c));
    },
    detokenize(tokens) {
      return tokens.map((t) => (t === SPACE_MARK ? ' ' : t)).join('');
    },
  };
}

/**
 * Words, numbers and single punctuation marks (Unicode-aware: any script's letters and marks).
 * With `locale`, words come from Intl.Segmenter (dictionary-based for zh/ja/th); otherwise a word is
 * a run of letters, marks and digits, and every other non-space character is a token of its own.
 */
export function wordTokenizer(opts: TokenizerOptions = {}): Tokenizer {
  const segmenter = opts.locale ? new Intl.Segmenter(opts.locale, { granularity: 'word' }) : undefined;
  return {
    kind: (opts.locale ? `word:${opts.locale}` : 'word') + (opts.splitDigits ? '+digits' : ''),
    spec: { ...opts, type: 'word' },
    tokenize(text) {
      checkNoMarker(text, 'word');
      const t = prepareText(text, opts);
      const out: string[] = [];
      let afterSpace = true;
      const pieces = segmenter
        ? Array.from(segmenter.segment(t), (s) => s.segment)
        : t.match(/[\p{L}\p{M}\p{N}]+|\s|[^\s\p{L}\p{M}\p{N}]/gu) ?? [];
      for (const piece of pieces) {
        if (piece === ' ') {
          afterSpace = true;
          continue;
        }
        // the segmenter keeps runs of punctuation together; split them so "?!" is two tokens like the regex path
        let parts = segmenter && !/[\p{L}\p{M}\p{N}]/u.test(piece) ? Array.from(piece) : [piece];
        if (opts.splitDigits) parts = parts.flatMap((p) => p.match(/\p{Nd}|[^\p{Nd}]+/gu) ?? [p]);
        for (const p of parts) {
          out.push(afterSpace ? SPACE_MARK + p : p);
          afterSpace = false;
        }
      }
      return out;
    },
    detokenize: joinMarked,
  };
}

export interface BpeTokenizer extends Tokenizer {
  readonly spec: BpeTokenizerSpec;
  /** The words BPE splits (what subword-nmt is given): the word tokenizer's tokens without '▁'. */
  words(text: string): string[];
  /** One word's pieces, as subword-nmt's apply_bpe splits it (without its '@@' marks). */
  segment(word: string): string[];
}

/**
 * Subwords by byte-pair encoding (see ./bpe): the text is split into words by the word tokenizer (same
 * options: normalisation, lower case, locale, splitDigits), and each word into pieces by the merges. The
 * first piece of a word that follows a space carries '▁', so detokenize(tokenize(s)) === s as for the
 * word tokenizer, whatever the merges; a character never seen in training stays a piece of its own.
 * The spec (with the merges) is plain JSON, saved with a model and rebuilt by makeTokenizer.
 */
export function bpeTokenizer(spec: Omit<BpeTokenizerSpec, 'type'> & { type?: 'bpe' }): BpeTokenizer {
  if (!spec || typeof spec !== 'object') throw new Error(`bpeTokenizer: expected a spec { merges, ... }, received ${String(spec)}`);
  const { merges, endOfWord, type: _type, ...opts } = spec;
  const segment = bpeSegmenter(merges, { endOfWord });
  const base = wordTokenizer(opts);
  const words = (text: string) => base.tokenize(text).map(displayToken);
  return {
    kind: base.kind.replace(/^word/, 'bpe'),
    spec: { ...opts, ...(endOfWord ? { endOfWord } : {}), type: 'bpe', merges: merges.map(([a, b]) => [a, b] as const) },
    words,
    segment,
    tokenize(text) {
      checkNoMarker(text, 'bpe');
      const out: string[] = [];
      for (const token of base.tokenize(text)) {
        const marked = token.startsWith(SPACE_MARK);
        const pieces = segment(marked ? token.slice(1) : token);
        if (marked) pieces[0] = SPACE_MARK + pieces[0];
        out.push(...pieces);
      }
      return out;
    },
    detokenize: joinMarked,
  };
}

export interface FitBpeOptions extends TokenizerOptions, LearnBpeOptions {}

/**
 * Learns a BPE tokenizer on sentences: words from the word tokenizer (with `options`' tokenizer
 * options), counted, then `learnBpe` with `options.merges`, `minFrequency`, `ties`, `endOfWord`.
 */
/** Adds the words `tokenizer` finds in `text` (as displayed, without the ▁ marker) to `counts`: what BPE learns from. */
export function countWords(tokenizer: Tokenizer, text: string, counts: Map<string, number>): Map<string, number> {
  for (const token of tokenizer.tokenize(text)) {
    const w = displayToken(token);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

export function fitBpeTokenizer(texts: Iterable<string>, options: FitBpeOptions): BpeTokenizer {
  if (typeof texts === 'string' || texts == null || typeof (texts as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new Error('fitBpeTokenizer: texts must be an array (or iterable) of sentences');
  }
  const { merges, minFrequency, ties, endOfWord, ...opts } = options ?? ({} as FitBpeOptions);
  const base = wordTokenizer(opts);
  const counts = new Map<string, number>();
  let i = 0;
  for (const text of texts) {
    if (typeof text !== 'string') throw new Error(`fitBpeTokenizer: text ${i} is not a string (received ${String(text)})`);
    countWords(base, text, counts);
    i++;
  }
  if (counts.size === 0) throw new Error(`fitBpeTokenizer: the ${i} texts hold no words, so there is nothing to learn merges from`);
  return bpeTokenizer({ ...opts, endOfWord, merges: learnBpe(counts, { merges, minFrequency, ties, endOfWord }) });
}
