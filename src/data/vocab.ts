// Vocabulary: tokens <-> ids, with the special tokens every seq2seq model needs.
import * as fs from 'node:fs';

export const PAD = '<pad>';
export const BOS = '<s>';
export const EOS = '</s>';
export const UNK = '<unk>';
export const SPECIALS = [PAD, BOS, EOS, UNK] as const;
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;

export interface VocabOptions {
  /** Keep tokens seen at least this often (default 1). */
  minFreq?: number;
  /** At most this many entries, specials included. */
  maxSize?: number;
}

interface VocabJson {
  format: 'attention-workbook/vocabulary@1';
  tokens: string[];
}

export class Vocabulary {
  private readonly ids: Map<string, number>;

  private constructor(readonly tokens: readonly string[]) {
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    SPECIALS.forEach((s, i) => {
      if (tokens[i] !== s) throw new Error(`Vocabulary: entry ${i} must be ${s}, found ${JSON.stringify(tokens[i])}`);
    });
    if (this.ids.size !== tokens.length) throw new Error('Vocabulary: duplicate tokens');
  }

  /**
   * Counts tokens in the sequences; orders by frequency (most frequent first), ties by code point,
   * so the same data always gives the same ids. <pad>=0, <s>=1, </s>=2, <unk>=3.
   */
  static build(sequences: Iterable<readonly string[]>, opts: VocabOptions = {}): Vocabulary {
    const counts = new Map<string, number>();
    for (const seq of sequences) for (const t of seq) counts.set(t, (counts.get(t) ?? 0) + 1);
    const minFreq = opts.minFreq ?? 1;
    const ranked = [...counts.entries()]
      .filter(([t, n]) => n >= minFreq && !(SPECIALS as readonly string[]).includes(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([t]) => t);
    const max = opts.maxSize ?? Infinity;
    if (max < SPECIALS.length) throw new Error(`Vocabulary.build: maxSize must be at least ${SPECIALS.length} (the special tokens)`);
    return new Vocabulary([...SPECIALS, ...ranked.slice(0, max - SPECIALS.length)]);
  }

  static fromJSON(json: unknown): Vocabulary {
    const j = json as Partial<VocabJson>;
    if (j?.format !== 'attention-workbook/vocabulary@1' || !Array.isArray(j.tokens)) {
      throw new Error('Vocabulary.fromJSON: not a vocabulary file (expected format "attention-workbook/vocabulary@1")');
    }
    return new Vocabulary(j.tokens);
  }

  static load(file: string): Vocabulary {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`Vocabulary.load: cannot read ${file}: ${(e as Error).message}`);
    }
    try {
      return Vocabulary.fromJSON(json);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.ids.get(token) ?? UNK_ID;
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  token(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new Error(`Vocabulary: id ${id} is out of range [0, ${this.size})`);
    return t;
  }

  /** Token ids; unknown tokens become <unk>. Optionally framed by <s> ... </s>. */
  encode(tokens: readonly string[], opts: { bos?: boolean; eos?: boolean } = {}): number[] {
    const ids = tokens.map((t) => this.id(t));
    return [...(opts.bos ? [BOS_ID] : []), ...ids, ...(opts.eos ? [EOS_ID] : [])];
  }

  /** Tokens for ids, stopping at the first </s> and dropping <pad> and <s> (unless keepSpecials). */
  decode(ids: readonly number[], opts: { keepSpecials?: boolean } = {}): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (!opts.keepSpecials) {
        if (id === EOS_ID) break;
        if (id === PAD_ID || id === BOS_ID) continue;
      }
      out.push(this.token(id));
    }
    return out;
  }

  toJSON(): VocabJson {
    return { format: 'attention-workbook/vocabulary@1', tokens: [...this.tokens] };
  }

  save(file: string): void {
    fs.writeFileSync(file, JSON.stringify(this.toJSON()) + '\n');
  }
}
