// Byte-pair encoding for subword units (Sennrich, Haddow & Birch 2016, "Neural Machine Translation of
// Rare Words with Subword Units", ACL): learn an ordered list of merges on a word list, and split words
// with it. The results equal those of the reference implementation subword-nmt (learn_bpe / apply_bpe,
// tested on fixtures from `npm run fixtures:bpe`). The tokenizer built on this (words from the word
// tokenizer, pieces marked with '▁' like the other tokenizers) is `bpeTokenizer` in ./tokenize.

/** A merge: two adjacent symbols that become one, e.g. ['e', 's</w>'] → 'es</w>'. */
export type BpeMerge = readonly [string, string];

/** Marks the end of a word while learning and segmenting; never part of a segmented piece. */
export const END_OF_WORD = '</w>';

export interface BpeOptions {
  /**
   * How the end of a word is marked. 'glued' (default; subword-nmt ≥ 0.2, codes "#version: 0.2"): `</w>`
   * is part of the word's last character, so "low" starts as `l o w</w>`. 'separate' (the paper's
   * Algorithm 1 and subword-nmt's 0.1 codes): `</w>` is a symbol of its own, `l o w </w>`.
   */
  endOfWord?: 'glued' | 'separate';
}

export interface LearnBpeOptions extends BpeOptions {
  /** How many merges to learn (at most; learning stops early when no pair is frequent enough). */
  merges: number;
  /** Stop when the most frequent pair occurs fewer times than this (default 2, as in subword-nmt). */
  minFrequency?: number;
  /**
   * Which of several equally frequent pairs is merged. 'greatest' (default; subword-nmt): the greatest
   * pair by code points, comparing the left symbols first. 'first' (the paper's Algorithm 1 on Python ≥ 3.7):
   * the pair that occurs first in the corpus (earliest word in input order, then leftmost).
   */
  ties?: 'greatest' | 'first';
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function checkEndOfWord(where: string, v: unknown): 'glued' | 'separate' {
  if (v === undefined || v === 'glued' || v === 'separate') return v ?? 'glued';
  throw new Error(`${where}: endOfWord must be 'glued' or 'separate', received ${show(v)}`);
}

function checkWord(where: string, w: unknown): string {
  if (typeof w !== 'string') throw new Error(`${where} is not a string (received ${show(w)})`);
  if (w === '') throw new Error(`${where} is empty`);
  if (/\s/u.test(w)) throw new Error(`${where} contains whitespace (${JSON.stringify(w)}); words come from a pre-tokenizer and never do`);
  return w;
}

/** A word's initial symbols: its code points with the end-of-word mark. */
function initialSymbols(word: string, endOfWord: 'glued' | 'separate'): string[] {
  const s = Array.from(word);
  if (endOfWord === 'separate') s.push(END_OF_WORD);
  else s[s.length - 1] += END_OF_WORD;
  return s;
}

/**
 * A string whose UTF-16 order is the code-point order of `s` (JavaScript's `<` compares UTF-16 code
 * units, which put U+E000–U+FFFF above astral characters; Python, hence subword-nmt, compares code points).
 */
function codePointKey(s: string): string {
  if (!/[\uD800-\uFFFF]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c);
  }
  return out;
}

/** A binary heap; `before(a, b)` says a comes out first. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    let i = a.push(x) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(x, a[parent])) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && this.before(a[l + 1], a[l]) ? l + 1 : l;
      if (!this.before(a[c], last)) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/** A heap entry; stale (skipped when popped) once the pair's version has moved on. */
interface Entry {
  count: number;
  pair: number;
  version: number;
}

/** Symbols are interned as ids below this, so a pair of ids packs into one safe integer. */
const MAX_SYMBOLS = 2 ** 26;

/**
 * Learns BPE merges on words, most frequent pair first.
 *
 * `words` is a list of words (each occurrence counted) or a map word → count; words are what a
 * pre-tokenizer gives (non-empty, no whitespace). Each word starts as its characters (code points) with
 * the end-of-word mark (`options.endOfWord`). Then, up to `options.merges` times: the most frequent pair of
 * adjacent symbols, counted over all words with their counts (overlapping occurrences too: `a a a` has
 * two `a a`), is recorded and every occurrence of it is replaced, left to right, by the joined symbol.
 * Learning stops early when the best pair occurs fewer than `minFrequency` times (default 2). Equal counts
 * are broken by `options.ties`. Returns the merges in the order learned.
 *
 * Incremental, no recount per merge: pair counts, an index from each pair to the words that contain it,
 * and a max-heap of (count, pair) entries with lazy deletion (each pair has a version; an entry of an
 * older version is skipped when popped). A merge rewrites only the words the index lists for its pair,
 * recounting their pairs; every pair whose count changed gets a fresh heap entry.
 *
 * Cost, for W distinct words of mean length L symbols: O(W·L) to start, then per merge
 * O(n·L + c·log H) for the n words holding the pair, c changed pair counts and H heap entries; memory
 * O(W·L) for the index. (`ties: 'first'` also scans the index of every pair tied at the top count.)
 */
export function learnBpe(words: Iterable<string> | ReadonlyMap<string, number>, options: LearnBpeOptions): BpeMerge[] {
  if (typeof words === 'string' || words == null || typeof (words as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new Error('learnBpe: words must be an array (or iterable) of words or a Map word → count; for sentences use fitBpeTokenizer');
  }
  const { merges, minFrequency = 2, ties = 'greatest', endOfWord: eow } = options ?? ({} as LearnBpeOptions);
  if (!Number.isInteger(merges) || merges <= 0) throw new Error(`learnBpe: options.merges must be a positive integer, received ${show(merges)}`);
  if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new Error(`learnBpe: options.minFrequency must be an integer >= 1, received ${show(minFrequency)}`);
  if (ties !== 'greatest' && ties !== 'first') throw new Error(`learnBpe: options.ties must be 'greatest' or 'first', received ${show(ties)}`);
  const endOfWord = checkEndOfWord('learnBpe', eow);

  // distinct words with their counts, in first-seen order
  const counts = new Map<string, number>();
  if (words instanceof Map) {
    for (const [w, n] of words) {
      checkWord(`learnBpe: word ${show(w)}`, w);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`learnBpe: the count of word ${JSON.stringify(w)} must be a positive integer, received ${show(n)}`);
      counts.set(w, n);
    }
  } else {
    let i = 0;
    for (const w of words as Iterable<string>) {
      checkWord(`learnBpe: word ${i}`, w);
      counts.set(w, (counts.get(w) ?? 0) + 1);
      i++;
    }
  }
  if (counts.size === 0) throw new Error('learnBpe: the corpus has no words, so there is nothing to learn merges from');

  // symbols, interned
  const symbolId = new Map<string, number>();
  const symbols: string[] = [];
  const keys: string[] = [];
  const intern = (s: string): number => {
    let id = symbolId.get(s);
    if (id === undefined) {
      id = symbols.length;
      if (id >= MAX_SYMBOLS) throw new Error(`learnBpe: more than ${MAX_SYMBOLS} distinct symbols`);
      symbolId.set(s, id);
      symbols.push(s);
      keys.push(codePointKey(s));
    }
    return id;
  };

  // words as symbol ids
  const wordSymbols: number[][] = [];
  const wordCount: number[] = [];
  for (const [w, n] of counts) {
    wordSymbols.push(initialSymbols(w, endOfWord).map(intern));
    wordCount.push(n);
  }

  // pairs: count, the words holding them (exactly), a version for lazy heap deletion
  const pairIndex = new Map<number, number>();
  const left: number[] = [];
  const right: number[] = [];
  const pairCount: number[] = [];
  const version: number[] = [];
  const holders: Set<number>[] = [];
  const pairOf = (a: number, b: number): number => {
    const key = a * MAX_SYMBOLS + b;
    let p = pairIndex.get(key);
    if (p === undefined) {
      p = left.length;
      pairIndex.set(key, p);
      left.push(a);
      right.push(b);
      pairCount.push(0);
      version.push(0);
      holders.push(new Set());
    }
    return p;
  };
  wordSymbols.forEach((s, w) => {
    for (let i = 0; i + 1 < s.length; i++) {
      const p = pairOf(s[i], s[i + 1]);
      pairCount[p] += wordCount[w];
      holders[p].add(w);
    }
  });

  // the heap: higher count first; for 'greatest', equal counts by the greater pair (left, then right symbol)
  const greater = (p: number, q: number): boolean => {
    const a = keys[left[p]], b = keys[left[q]];
    if (a !== b) return a > b;
    return keys[right[p]] > keys[right[q]];
  };
  const heap = new Heap<Entry>(
    ties === 'greatest' ? (x, y) => x.count > y.count || (x.count === y.count && greater(x.pair, y.pair)) : (x, y) => x.count > y.count,
  );
  for (let p = 0; p < pairCount.length; p++) heap.push({ count: pairCount[p], pair: p, version: 0 });

  const popValid = (): Entry | undefined => {
    for (;;) {
      const e = heap.pop();
      if (e === undefined || (e.version === version[e.pair] && e.count > 0)) return e;
    }
  };
  const peekValid = (): Entry | undefined => {
    for (;;) {
      const e = heap.peek();
      if (e === undefined || (e.version === version[e.pair] && e.count > 0)) return e;
      heap.pop();
    }
  };
  /** Where a pair first occurs: [word index, code-unit offset in the word]. */
  const firstOccurrence = (p: number): [number, number] => {
    let w = Infinity;
    for (const h of holders[p]) if (h < w) w = h;
    const s = wordSymbols[w];
    let offset = 0;
    for (let i = 0; i + 1 < s.length; i++) {
      if (s[i] === left[p] && s[i + 1] === right[p]) break;
      offset += symbols[s[i]].length;
    }
    return [w, offset];
  };
  const popBest = (): Entry | undefined => {
    const top = popValid();
    if (top === undefined || ties === 'greatest') return top;
    const tied = [top];
    for (let e = peekValid(); e !== undefined && e.count === top.count; e = peekValid()) tied.push(heap.pop()!);
    let best = top;
    let [bw, bo] = firstOccurrence(top.pair);
    for (const e of tied.slice(1)) {
      const [w, o] = firstOccurrence(e.pair);
      if (w < bw || (w === bw && o < bo)) [best, bw, bo] = [e, w, o];
    }
    for (const e of tied) if (e !== best) heap.push(e);
    return best;
  };

  const learned: BpeMerge[] = [];
  while (learned.length < merges) {
    const best = popBest();
    if (best === undefined || best.count < minFrequency) break;
    const p = best.pair;
    const a = left[p], b = right[p];
    learned.push([symbols[a], symbols[b]]);
    const joined = intern(symbols[a] + symbols[b]);
    const delta = new Map<number, number>();
    const add = (q: number, n: number) => delta.set(q, (delta.get(q) ?? 0) + n);
    for (const w of [...holders[p]]) {
      const old = wordSymbols[w];
      const next: number[] = [];
      for (let i = 0; i < old.length; i++) {
        if (i + 1 < old.length && old[i] === a && old[i + 1] === b) {
          next.push(joined);
          i++;
        } else next.push(old[i]);
      }
      const n = wordCount[w];
      const before = new Set<number>();
      for (let i = 0; i + 1 < old.length; i++) {
        const q = pairOf(old[i], old[i + 1]);
        add(q, -n);
        before.add(q);
      }
      const after = new Set<number>();
      for (let i = 0; i + 1 < next.length; i++) {
        const q = pairOf(next[i], next[i + 1]);
        add(q, n);
        after.add(q);
      }
      for (const q of before) if (!after.has(q)) holders[q].delete(w);
      for (const q of after) holders[q].add(w);
      wordSymbols[w] = next;
    }
    for (const [q, d] of delta) {
      if (d === 0) continue;
      pairCount[q] += d;
      version[q]++;
      if (pairCount[q] > 0) heap.push({ count: pairCount[q], pair: q, version: version[q] });
    }
  }
  return learned;
}

function checkMerges(where: string, merges: unknown): readonly BpeMerge[] {
  if (!Array.isArray(merges)) throw new Error(`${where}: merges must be an array of [left, right] symbol pairs, received ${show(merges)}`);
  merges.forEach((m, i) => {
    if (!Array.isArray(m) || m.length !== 2 || typeof m[0] !== 'string' || typeof m[1] !== 'string' || m[0] === '' || m[1] === '') {
      throw new Error(`${where}: merge ${i} must be a pair of two non-empty strings, received ${JSON.stringify(m)}`);
    }
  });
  return merges as readonly BpeMerge[];
}

const pairKey = (a: string, b: string): string => `${a.length}:${a}${b}`;

/**
 * A function that splits one word into BPE pieces, as subword-nmt's apply_bpe does (without its `@@`
 * continuation marks): the word's characters plus the end-of-word mark; while some adjacent pair is a
 * merge, the pair with the lowest rank (learned earliest) is merged at every occurrence, left to right;
 * finally the end-of-word mark is dropped. A one-character word is returned whole; characters never seen
 * in training stay single pieces. Concatenating the pieces gives the word back.
 *
 * Cost O(L²) per word of L characters (a scan per applied merge); results are cached per word.
 */
export function bpeSegmenter(merges: readonly BpeMerge[], options: BpeOptions = {}): (word: string) => string[] {
  checkMerges('bpeSegmenter', merges);
  const endOfWord = checkEndOfWord('bpeSegmenter', options?.endOfWord);
  const ranks = new Map<string, number>();
  merges.forEach(([a, b], i) => {
    const k = pairKey(a, b);
    if (!ranks.has(k)) ranks.set(k, i); // a repeated merge keeps its first rank, as in apply_bpe
  });
  const cache = new Map<string, readonly string[]>();
  return (word: string): string[] => {
    const hit = cache.get(word);
    if (hit) return hit.slice();
    checkWord(`bpe segmenter: word ${JSON.stringify(word)}`, word);
    let s = initialSymbols(word, endOfWord);
    if (s.length === 1 + (endOfWord === 'separate' ? 1 : 0)) return [word];
    while (s.length > 1) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = ranks.get(pairKey(s[i], s[i + 1]));
        if (r !== undefined && r < best) [best, at] = [r, i];
      }
      if (at < 0) break;
      const a = s[at], b = s[at + 1];
      const next: string[] = s.slice(0, at);
      for (let i = at; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(s[i]);
      }
      s = next;
    }
    const last = s[s.length - 1];
    if (last === END_OF_WORD) s.pop();
    else s[s.length - 1] = last.slice(0, -END_OF_WORD.length);
    if (cache.size >= 100_000) cache.clear();
    cache.set(word, s);
    return s.slice();
  };
}
