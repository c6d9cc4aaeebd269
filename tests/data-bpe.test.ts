// Byte-pair encoding: the paper's example, subword-nmt's merges and segmentations (fixtures from
// `npm run fixtures:bpe`), invertibility, saving with a model, errors.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  bpeSegmenter, bpeTokenizer, DATASET_NAMES, displayToken, fitBpeTokenizer, learnBpe, loadDataset, loadModel,
  makeTokenizer, prepareText, saveModel, Seq2Seq, Vocabulary, wordTokenizer, type BpeMerge, type TokenizerOptions,
  type TokenizerSpec,
} from '../src';

interface Run {
  tokenizer: TokenizerOptions;
  corpus: { sentences: number; words: number; types: number; sha256: string };
  symbols: number;
  minFrequency: number;
  merges: [string, string][];
  segmented: { text: string; words: string; bpe: string }[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'bpe.json'), 'utf8')) as {
  subwordNmt: string;
  dataset: 'phrases-fr';
  runs: Run[];
  paper: [string, string][];
};
const texts = loadDataset(fixture.dataset).pairs.flatMap((p) => [p.source, p.target]);
const show = (merges: readonly BpeMerge[]) => merges.map(([a, b]) => `${a} ${b}`);

// Algorithm 1's vocabulary. By hand, with `</w>` a symbol of its own and ties to the pair seen first:
// pair counts start e s 9, s t 9, t </w> 9, w e 8, l o 7, o w 7, n e 6, e w 6, w </w> 5, ...; the three 9s
// tie and e s occurs first (in newest) → 1: e s; then es t 9 (before t </w> 9) → 2: es t; est </w> 9 → 3;
// now l o 7 and o w 7 tie, l o first → 4: l o; lo w 7 → 5; n e, e w, w est</w> all 6, n e first → 6: n e;
// ne w 6 → 7; new est</w> 6 → 8; low </w> 5 → 9; w i, i d, d est</w> 3, w i first → 10: w i.
const PAPER_VOCAB = new Map([['low', 5], ['lower', 2], ['newest', 6], ['widest', 3]]);

test("the paper's example gives its merges in order", () => {
  const merges = learnBpe(PAPER_VOCAB, { merges: 10, endOfWord: 'separate', ties: 'first' });
  assert.deepEqual(show(merges), ['e s', 'es t', 'est </w>', 'l o', 'lo w', 'n e', 'ne w', 'new est</w>', 'low </w>', 'w i']);
  // subword-nmt's conventions (the defaults): `</w>` glued to the last character (l o w</w>), ties to the
  // greatest pair. By hand: e s 9 and s t</w> 9 tie, s > e → s t</w>; e st</w> 9; l o 7; then n e, e w and
  // w est</w> tie at 6, w is greatest → w est</w>; n e; ne west</w>; lo w</w> 5; w i 3 beats i d, d est</w>;
  // wi d 3; wid est</w> 3.
  const nmt = learnBpe(PAPER_VOCAB, { merges: 10, minFrequency: 1 });
  assert.deepEqual(show(nmt), ['s t</w>', 'e st</w>', 'l o', 'w est</w>', 'n e', 'ne west</w>', 'lo w</w>', 'w i', 'wi d', 'wid est</w>']);
  assert.deepEqual(nmt, fixture.paper, `subword-nmt ${fixture.subwordNmt} learns the same`);
  // every word then is one symbol: 'low' whole, 'lower' from the merges it has
  const seg = bpeSegmenter(nmt);
  assert.deepEqual(['low', 'lower', 'newest', 'widest', 'lowest'].map(seg), [['low'], ['lo', 'w', 'e', 'r'], ['newest'], ['widest'], ['lo', 'west']]);
});

for (const [r, run] of fixture.runs.entries()) {
  test(`subword-nmt ${fixture.subwordNmt}'s merges and segmentations, run ${r} (${JSON.stringify(run.tokenizer)}, min frequency ${run.minFrequency})`, (t) => {
    const words = wordTokenizer(run.tokenizer);
    const lines = texts.map((s) => words.tokenize(s).map(displayToken).join(' '));
    const corpus = lines.join('\n') + '\n';
    assert.equal(createHash('sha256').update(corpus).digest('hex'), run.corpus.sha256, 'the corpus subword-nmt learned on (dataset or word tokenizer changed? rerun npm run fixtures:bpe)');
    const all = lines.flatMap((l) => l.split(' '));
    assert.deepEqual([lines.length, all.length, new Set(all).size], [run.corpus.sentences, run.corpus.words, run.corpus.types]);

    const t0 = performance.now();
    const merges = learnBpe(all, { merges: run.symbols, minFrequency: run.minFrequency });
    t.diagnostic(`learnBpe: ${merges.length} merges on ${all.length} words (${run.corpus.types} types) in ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(merges.length, run.merges.length, 'stops where subword-nmt stops');
    merges.forEach((m, i) => assert.deepEqual(m, run.merges[i], `merge ${i}`));

    const tok = fitBpeTokenizer(texts, { ...run.tokenizer, merges: run.symbols, minFrequency: run.minFrequency });
    assert.deepEqual(tok.spec.merges, run.merges);
    for (const s of run.segmented) {
      assert.equal(tok.words(s.text).join(' '), s.words, s.text);
      const pieces = s.words.split(' ').map(tok.segment);
      assert.equal(pieces.map((p) => p.join('@@ ')).join(' '), s.bpe, s.text);
      const tokens = tok.tokenize(s.text);
      assert.deepEqual(tokens.map(displayToken), pieces.flat(), s.text);
      assert.equal(tok.detokenize(tokens), words.detokenize(words.tokenize(s.text)), s.text);
    }
  });
}

test('detokenize inverts tokenize on every bundled sentence (up to normalisation)', () => {
  // sources with an English-like tokenizer, targets with a lower-casing French one (Chinese for phrases-zh)
  const enOpts: TokenizerOptions = { splitDigits: true };
  const frOpts: TokenizerOptions = { locale: 'fr', lowercase: true };
  const zhOpts: TokenizerOptions = { locale: 'zh' };
  const en = fitBpeTokenizer(texts, { ...enOpts, merges: 500 });
  const fr = fitBpeTokenizer(texts, { ...frOpts, merges: 500 });
  const zh = fitBpeTokenizer(loadDataset('phrases-zh').pairs.map((p) => p.target), { ...zhOpts, merges: 200 });
  let n = 0;
  for (const name of DATASET_NAMES) {
    const [tgt, tgtOpts] = name === 'phrases-zh' ? [zh, zhOpts] : [fr, frOpts];
    for (const p of loadDataset(name).pairs) {
      assert.equal(en.detokenize(en.tokenize(p.source)), prepareText(p.source, enOpts), `${name} line ${p.line} source`);
      assert.equal(tgt.detokenize(tgt.tokenize(p.target)), prepareText(p.target, tgtOpts), `${name} line ${p.line} target`);
      n++;
    }
  }
  assert.ok(n > 20000, `${n} pairs`);
});

test('pieces: ▁ on the first piece after a space, unknown characters kept as pieces of their own', () => {
  const tok = fitBpeTokenizer(texts, { merges: 1000 });
  assert.deepEqual(tok.tokenize('Sunday, October 26'), ['▁Sunday', ',', '▁October', '▁26']);
  const odd = 'Zürich ☃ wiederum 𝔘nicode';
  const tokens = tok.tokenize(odd);
  assert.ok(tokens.includes('▁☃') && tokens.includes('▁𝔘'), tokens.join(' '));
  assert.equal(tok.detokenize(tokens), odd);
  assert.ok(tok.tokenize('wiederum').length > 1, 'an unseen word is split');
  // every piece is a string the merges can build, or a single character
  const symbols = new Set(tok.spec.merges.map(([a, b]) => (a + b).replace('</w>', '')));
  for (const p of tokens.map(displayToken)) assert.ok(symbols.has(p) || Array.from(p).length === 1, p);
});

test('the spec saves to JSON and loads back: same spec, same tokens, also inside a saved model', async () => {
  const tok = fitBpeTokenizer(texts, { merges: 300, lowercase: true, splitDigits: true });
  assert.equal(tok.kind, 'bpe+digits');
  assert.deepEqual(Object.keys(tok.spec).sort(), ['lowercase', 'merges', 'splitDigits', 'type']);
  const back = makeTokenizer(JSON.parse(JSON.stringify(tok.spec)) as TokenizerSpec);
  assert.deepEqual(back.spec, tok.spec);
  for (const s of texts.slice(0, 300)) assert.deepEqual(back.tokenize(s), tok.tokenize(s));
  const separate = bpeTokenizer({ merges: learnBpe(PAPER_VOCAB, { merges: 10, endOfWord: 'separate' }), endOfWord: 'separate' });
  assert.deepEqual(makeTokenizer(JSON.parse(JSON.stringify(separate.spec)) as TokenizerSpec).tokenize('lowest low'), separate.tokenize('lowest low'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-bpe-'));
  try {
    const seqs = texts.slice(0, 200).map((s) => tok.tokenize(s));
    const vocab = Vocabulary.build(seqs);
    const model = new Seq2Seq({ kind: 'baseline', cell: 'gru', encoder: 'rnn', sourceVocabSize: vocab.size, targetVocabSize: vocab.size, embeddingDim: 4, units: 4, seed: 1 });
    await saveModel(dir, { model, sourceVocab: vocab, targetVocab: vocab, sourceTokenizer: tok, targetTokenizer: separate });
    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.sourceTokenizer.spec, tok.spec);
    assert.deepEqual(loaded.targetTokenizer.spec, separate.spec);
    assert.deepEqual(loaded.sourceTokenizer.tokenize(texts[7]), tok.tokenize(texts[7]));
    model.dispose();
    loaded.model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ties compare code points, as Python does, not UTF-16 units', () => {
  // U+FF41 'ａ' is one UTF-16 unit above the surrogates of U+1F600 '😀', but below it as a code point
  assert.deepEqual(learnBpe(['xａ', 'x😀'], { merges: 1, minFrequency: 1 }), [['x', '😀</w>']]);
  assert.deepEqual(learnBpe(['x😀', 'xａ'], { merges: 1, minFrequency: 1 }), [['x', '😀</w>']]);
  assert.deepEqual(learnBpe(['xａ', 'x😀'], { merges: 1, minFrequency: 1, ties: 'first' }), [['x', 'ａ</w>']]);
});

test('learning: counts, overlaps, early stop', () => {
  // 'aaaa' three times is a a a a</w>: a a occurs twice per word (overlapping) → 6, a a</w> 3. Merging a a
  // left to right gives aa a a</w>; then aa a and a a</w> tie at 3 and 'aa' > 'a' → aa a; then aaa a</w>.
  assert.deepEqual(show(learnBpe(['aaaa', 'aaaa', 'aaaa'], { merges: 5 })), ['a a', 'aa a', 'aaa a</w>']);
  assert.deepEqual(learnBpe(new Map([['aaaa', 3]]), { merges: 5 }), learnBpe(['aaaa', 'aaaa', 'aaaa'], { merges: 5 }));
  assert.deepEqual(learnBpe(['ab', 'cd'], { merges: 5 }), [], 'no pair occurs twice');
  assert.deepEqual(learnBpe(['a', 'b'], { merges: 5, minFrequency: 1 }), [], 'one-letter words have no pairs');
});

test('clear errors on bad arguments', () => {
  assert.throws(() => learnBpe(['low'], { merges: 0 }), /learnBpe: options.merges must be a positive integer, received 0/);
  assert.throws(() => learnBpe(['low'], { merges: -3 }), /options.merges must be a positive integer, received -3/);
  assert.throws(() => learnBpe(['low'], { merges: 2.5 }), /received 2.5/);
  assert.throws(() => learnBpe(['low'], undefined as unknown as { merges: number }), /options.merges must be a positive integer, received undefined/);
  assert.throws(() => learnBpe(['low'], { merges: 5, minFrequency: 0 }), /minFrequency must be an integer >= 1, received 0/);
  assert.throws(() => learnBpe(['low'], { merges: 5, ties: 'last' as 'first' }), /ties must be 'greatest' or 'first', received "last"/);
  assert.throws(() => learnBpe(['low'], { merges: 5, endOfWord: 'end' as 'glued' }), /learnBpe: endOfWord must be 'glued' or 'separate', received "end"/);
  assert.throws(() => learnBpe([], { merges: 5 }), /learnBpe: the corpus has no words/);
  assert.throws(() => learnBpe(new Map(), { merges: 5 }), /the corpus has no words/);
  assert.throws(() => learnBpe('low lower' as unknown as string[], { merges: 5 }), /words must be an array .* for sentences use fitBpeTokenizer/);
  assert.throws(() => learnBpe(['low', 'low er'], { merges: 5 }), /learnBpe: word 1 contains whitespace \("low er"\)/);
  assert.throws(() => learnBpe(['low', ''], { merges: 5 }), /learnBpe: word 1 is empty/);
  assert.throws(() => learnBpe(['low', 7 as unknown as string], { merges: 5 }), /learnBpe: word 1 is not a string \(received 7\)/);
  assert.throws(() => learnBpe(new Map([['low', 0]]), { merges: 5 }), /count of word "low" must be a positive integer, received 0/);
  assert.throws(() => fitBpeTokenizer(['', '   '], { merges: 5 }), /fitBpeTokenizer: the 2 texts hold no words/);
  assert.throws(() => fitBpeTokenizer(['a b', 3 as unknown as string], { merges: 5 }), /fitBpeTokenizer: text 1 is not a string/);
  assert.throws(() => fitBpeTokenizer(texts, { merges: 0 }), /learnBpe: options.merges must be a positive integer, received 0/);
  assert.throws(() => bpeTokenizer({ merges: [['a', 'b'], ['c']] as unknown as BpeMerge[] }), /bpeSegmenter: merge 1 must be a pair of two non-empty strings, received \["c"\]/);
  assert.throws(() => bpeTokenizer({} as { merges: BpeMerge[] }), /bpeSegmenter: merges must be an array of \[left, right\] symbol pairs, received undefined/);
  assert.throws(() => makeTokenizer({ type: 'sentencepiece' } as unknown as TokenizerSpec), /makeTokenizer: type must be 'char', 'word' or 'bpe', received "sentencepiece"/);
  assert.throws(() => bpeTokenizer({ merges: [] }).tokenize('a ▁ b'), /bpe tokenizer: text contains the space marker/);
});
