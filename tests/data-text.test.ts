// Filters, splits, shuffles, tokenizers and vocabularies.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  BOS_ID, charTokenizer, displayToken, EOS_ID, filterPairs, loadDataset, PAD_ID, shuffled, splitData, UNK_ID,
  Vocabulary, wordTokenizer,
} from '../src';

test('filterPairs drops by rule and reports each count', () => {
  const pairs = [
    { source: 'a', target: 'b' }, { source: 'a', target: 'b' }, { source: ' ', target: 'x' },
    { source: 'long source', target: 'y' }, { source: 'c', target: 'long target' }, { source: 'd', target: 'e' },
  ];
  const r = filterPairs(pairs, { maxSourceLength: 5, maxTargetLength: 5 });
  assert.deepEqual(r.pairs, [{ source: 'a', target: 'b' }, { source: 'd', target: 'e' }]);
  assert.deepEqual(r.dropped, { duplicate: 1, empty: 1, 'source too long': 1, 'target too long': 1 });
  assert.equal(r.pairs.length + Object.values(r.dropped).reduce((a, b) => a + b, 0), pairs.length);
});

test('splitData is deterministic by seed, disjoint and complete', () => {
  const items = Array.from({ length: 1000 }, (_, i) => i);
  const a = splitData(items, { seed: 1 });
  assert.deepEqual(a, splitData(items, { seed: 1 }));
  assert.notDeepEqual(a.test, splitData(items, { seed: 2 }).test);
  assert.deepEqual([a.train.length, a.valid.length, a.test.length], [800, 100, 100]);
  assert.deepEqual([...a.train, ...a.valid, ...a.test].sort((x, y) => x - y), items);
  assert.throws(() => splitData(items, { seed: 1, valid: 0.6, test: 0.5 }), /must be >= 0 and leave something to train on/);
});

test('shuffled is unbiased: every item lands first about equally often', () => {
  const counts = Array(8).fill(0);
  for (let s = 0; s < 16000; s++) counts[shuffled([0, 1, 2, 3, 4, 5, 6, 7], s)[0]]++;
  const chi2 = counts.reduce((acc, c) => acc + (c - 2000) ** 2 / 2000, 0);
  assert.ok(chi2 < 24.3, `chi-square ${chi2.toFixed(1)} over 7 degrees of freedom (p = 0.001 bound 24.3): ${counts}`);
});

test('character tokenizer: code points, spaces as ▁, inverted by detokenize', () => {
  const t = charTokenizer();
  assert.deepEqual(t.tokenize('Go, 日本!'), ['G', 'o', ',', '▁', '日', '本', '!']);
  assert.equal(t.detokenize(t.tokenize('Go, 日本!')), 'Go, 日本!');
  assert.deepEqual(charTokenizer({ lowercase: true }).tokenize('ÉtÉ'), ['é', 't', 'é']);
});

test('word tokenizer: Unicode words, punctuation split, space markers, NFC/NFKC, lower case', () => {
  const t = wordTokenizer();
  assert.deepEqual(t.tokenize("L'homme, déjà là ?"), ['▁L', "'", 'homme', ',', '▁déjà', '▁là', '▁?']);
  assert.deepEqual(t.tokenize('3,50 dollars'), ['▁3', ',', '50', '▁dollars']);
  const digits = wordTokenizer({ splitDigits: true });
  assert.deepEqual(digits.tokenize('in 2031, 12km'), ['▁in', '▁2', '0', '3', '1', ',', '▁1', '2', 'km']);
  assert.equal(digits.detokenize(digits.tokenize('in 2031, 12km')), 'in 2031, 12km');
  assert.deepEqual(wordTokenizer({ locale: 'zh', splitDigits: true }).tokenize('每小时85.9公里').filter((x) => /\d|\./.test(x)), ['8', '5', '.', '9']);
  assert.equal(t.detokenize(t.tokenize("L'homme, déjà là ?")), "L'homme, déjà là ?");
  assert.deepEqual(t.tokenize('cafe\u0301'), ['▁café']); // NFC composes e + combining acute
  assert.deepEqual(wordTokenizer({ normalize: 'NFKC' }).tokenize('ｆｕｌｌ　width'), ['▁full', '▁width']);
  assert.deepEqual(wordTokenizer({ lowercase: true }).tokenize('Hello World'), ['▁hello', '▁world']);
  assert.deepEqual(t.tokenize('  many   spaces\there '), ['▁many', '▁spaces', '▁here']);
  assert.equal(displayToken('▁word'), 'word');
  assert.throws(() => t.tokenize('a ▁ b'), /space marker U\+2581/);
});

test('CJK: Intl.Segmenter splits Chinese into words', (t) => {
  const zh = wordTokenizer({ locale: 'zh' });
  assert.equal(zh.detokenize(zh.tokenize('每小时5公里')), '每小时5公里');
  assert.ok(zh.tokenize('法国、德国和西班牙').length >= 4, 'more than one word');
  // the exact words come from ICU's dictionary, which changes between ICU versions
  if (!process.versions.icu?.startsWith('78.')) {
    t.diagnostic(`exact segmentation checked with ICU 78 only; this Node has ICU ${process.versions.icu}`);
    return;
  }
  assert.deepEqual(zh.tokenize('2024年3月5日星期二'), ['▁2024', '年', '3', '月', '5', '日', '星期二']);
  assert.deepEqual(zh.tokenize('法国、德国和西班牙'), ['▁法国', '、', '德国', '和', '西班牙']);
});

test('detokenize inverts tokenize on every bundled sentence', () => {
  const check = (name: Parameters<typeof loadDataset>[0], src: ReturnType<typeof wordTokenizer>, tgt: ReturnType<typeof wordTokenizer>) => {
    for (const p of loadDataset(name).pairs) {
      assert.equal(src.detokenize(src.tokenize(p.source)), p.source, `${name} line ${p.line} source`);
      assert.equal(tgt.detokenize(tgt.tokenize(p.target)), p.target, `${name} line ${p.line} target`);
    }
  };
  check('dates', charTokenizer(), charTokenizer());
  check('reverse', charTokenizer(), charTokenizer());
  check('phrases-fr', wordTokenizer(), wordTokenizer({ locale: 'fr' }));
  check('phrases-fr', wordTokenizer({ splitDigits: true }), wordTokenizer({ splitDigits: true }));
  check('phrases-zh', wordTokenizer({ splitDigits: true }), wordTokenizer({ locale: 'zh', splitDigits: true }));
  check('phrases-zh', wordTokenizer(), wordTokenizer({ locale: 'zh' }));
});

test('Vocabulary: specials first, frequency order, minFreq, maxSize, <unk> for unknown tokens', () => {
  const v = Vocabulary.build([['b', 'a', 'b'], ['c', 'b', 'a']]);
  assert.deepEqual(v.tokens, ['<pad>', '<s>', '</s>', '<unk>', 'b', 'a', 'c']);
  assert.deepEqual([PAD_ID, BOS_ID, EOS_ID, UNK_ID], [0, 1, 2, 3]);
  assert.deepEqual(v.encode(['a', 'zzz'], { bos: true, eos: true }), [BOS_ID, 5, UNK_ID, EOS_ID]);
  assert.deepEqual(v.decode([BOS_ID, 4, 5, EOS_ID, 6, PAD_ID]), ['b', 'a']);
  assert.deepEqual(Vocabulary.build([['b', 'a', 'b'], ['c', 'b', 'a']], { minFreq: 2 }).tokens.slice(4), ['b', 'a']);
  assert.equal(Vocabulary.build([['b', 'a', 'b', 'c']], { maxSize: 5 }).size, 5);
  assert.throws(() => v.token(99), /id 99 is out of range \[0, 7\)/);
});

test('Vocabulary saves to JSON and loads back identically; a bad file is a clear error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-vocab-'));
  try {
    const v = Vocabulary.build([['x', 'y', 'y']]);
    v.save(path.join(dir, 'v.json'));
    assert.deepEqual(Vocabulary.load(path.join(dir, 'v.json')).tokens, v.tokens);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"tokens": ["a"]}');
    assert.throws(() => Vocabulary.load(path.join(dir, 'bad.json')), /bad\.json: Vocabulary\.fromJSON: not a vocabulary file/);
    assert.throws(() => Vocabulary.load(path.join(dir, 'missing.json')), /cannot read .*missing\.json/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
