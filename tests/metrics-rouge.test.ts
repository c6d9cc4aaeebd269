// ROUGE against Google's rouge-score (fixtures from scripts/make_rouge_fixtures.py), by hand, and nltk's Porter stems.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { corpusRouge, porterStem, ROUGE_TYPES, rougeScores, rougeTokenize, type RougeScore, type RougeScores } from '../src';

type Triple = [number, number, number];
interface Pair {
  name: string;
  ref: string;
  pred: string;
  off: Triple[];
  on: Triple[];
  tokens?: { off: [string[], string[]]; on: [string[], string[]] };
}
interface Fixture {
  rougeScore: string;
  nltk: string;
  stemmerMode: string;
  types: string[];
  pairs: Pair[];
  mean: { off: Triple[]; on: Triple[] };
  bootstrapMid: { off: Triple[]; on: Triple[] };
  stems: [string, string][];
}
const fx = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'rouge.json'), 'utf8')) as Fixture;
const triples = (s: RougeScores): Triple[] => ROUGE_TYPES.map((t) => [s[t].precision, s[t].recall, s[t].fmeasure]);
const close = (a: RougeScore, [p, r, f]: Triple) =>
  assert.ok(Math.abs(a.precision - p) < 1e-15 && Math.abs(a.recall - r) < 1e-15 && Math.abs(a.fmeasure - f) < 1e-15, `${JSON.stringify(a)} vs ${[p, r, f]}`);

test('the fixture covers the types this module computes', () => {
  assert.deepEqual(fx.types, [...ROUGE_TYPES]);
  assert.equal(fx.stemmerMode, 'NLTK_EXTENSIONS');
});

test(`Porter stems equal nltk ${fx.nltk} PorterStemmer() (rouge-score's, ${fx.stemmerMode}) on ${fx.stems.length} words`, () => {
  const wrong = fx.stems.filter(([w, s]) => porterStem(w) !== s).map(([w, s]) => `${w}: ${porterStem(w)} ≠ ${s}`);
  assert.deepEqual(wrong, []);
});

test('Porter stems by hand: the paper\'s examples and nltk\'s extensions', () => {
  const cases: [string, string][] = [
    ['caresses', 'caress'], ['ponies', 'poni'], ['cats', 'cat'], ['feed', 'feed'], ['agreed', 'agre'],
    ['plastered', 'plaster'], ['motoring', 'motor'], ['sing', 'sing'], ['hopping', 'hop'], ['falling', 'fall'],
    ['filing', 'file'], ['happy', 'happi'], ['relational', 'relat'], ['conditional', 'condit'], ['running', 'run'],
    // nltk's extensions (the npm `stemmer` package gives ti, di, enjoi, alwai, sky→ski ...)
    ['ties', 'tie'], ['died', 'die'], ['cried', 'cri'], ['enjoy', 'enjoy'], ['always', 'alway'], ['skies', 'sky'],
    ['dying', 'die'], ['news', 'news'], ['aged', 'age'], ['RUNNING', 'run'], ['be', 'be'],
  ];
  assert.deepEqual(cases.map(([w]) => [w, porterStem(w)]), cases);
});

test('tokenization: lower-case, runs outside [a-z0-9] split, stems only for tokens longer than 3', () => {
  assert.deepEqual(rougeTokenize("Déjà vu, l'hôtel! 3.5km/h"), ['d', 'j', 'vu', 'l', 'h', 'tel', '3', '5km', 'h']);
  assert.deepEqual(rougeTokenize('每小时5公里'), ['5']);
  assert.deepEqual(rougeTokenize('Was running cats ties', { stem: true }), ['was', 'run', 'cat', 'tie']);
  for (const p of fx.pairs.filter((q) => q.tokens)) {
    for (const stem of [false, true]) {
      const [ref, pred] = p.tokens![stem ? 'on' : 'off'];
      assert.deepEqual([rougeTokenize(p.ref, { stem }), rougeTokenize(p.pred, { stem })], [ref, pred], `${p.name} stem=${stem}`);
    }
  }
});

test('ROUGE-1/2/L by hand', () => {
  // ref 6 tokens, pred 5: unigrams the×2 cat on mat match (5); bigrams "the cat", "on the", "the mat" (3 of 4 and 5);
  // LCS = the whole prediction (5).
  const s = rougeScores('the cat sat on the mat', 'the cat on the mat');
  close(s.rouge1, [1, 5 / 6, 10 / 11]);
  close(s.rouge2, [3 / 4, 3 / 5, 2 / 3]);
  close(s.rougeL, [1, 5 / 6, 10 / 11]);
  // reversed: every unigram, no bigram, LCS of one token
  const r = rougeScores('a b c d', 'd c b a');
  close(r.rouge1, [1, 1, 1]);
  close(r.rouge2, [0, 0, 0]);
  close(r.rougeL, [1 / 4, 1 / 4, 1 / 4]);
  // clipped counts: "the" appears twice in the reference, four times in the prediction
  close(rougeScores('the the cat', 'the the the the').rouge1, [2 / 4, 2 / 3, 4 / 7]);
  // nothing to compare
  assert.deepEqual(triples(rougeScores('', '')), Array(4).fill([0, 0, 0]));
  assert.deepEqual(triples(rougeScores('...', 'the cat')), Array(4).fill([0, 0, 0]));
});

test('ROUGE-Lsum by hand: lines are sentences, union LCS per reference sentence, no double counting', () => {
  // swapped sentences: each reference sentence finds itself, so Lsum is perfect where ROUGE-L finds 2 of 4
  const s = rougeScores('a b\nc d', 'c d\na b');
  close(s.rougeLsum, [1, 1, 1]);
  close(s.rougeL, [1 / 2, 1 / 2, 1 / 2]);
  // both prediction lines match the same reference token (index 1): the union counts it once
  close(rougeScores('a a', 'a\na').rougeLsum, [1 / 2, 1 / 2, 1 / 2]);
  // no newline: Lsum = L
  const one = rougeScores('the cat sat on the mat', 'the cat on the mat');
  assert.deepEqual(one.rougeLsum, one.rougeL);
});

test('stemming makes inflected forms match', () => {
  assert.equal(rougeScores('running cats', 'run cat').rouge1.fmeasure, 0);
  assert.equal(rougeScores('running cats', 'run cat', { stem: true }).rouge1.fmeasure, 1);
});

for (const stem of [false, true]) {
  const key = stem ? 'on' : 'off';
  test(`ROUGE-1/2/L/Lsum P, R, F equal rouge-score ${fx.rougeScore} on ${fx.pairs.length} pairs, stemming ${key}`, () => {
    let worst = 0;
    let exact = 0;
    for (const p of fx.pairs) {
      const got = triples(rougeScores(p.ref, p.pred, { stem })).flat();
      const want = p[key].flat();
      const d = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
      worst = Math.max(worst, d);
      if (got.every((g, i) => g === want[i])) exact++;
      assert.ok(d < 1e-12, `${p.name} (${JSON.stringify(p.ref)} / ${JSON.stringify(p.pred)}): differs by ${d}`);
    }
    console.log(`stemming ${key}: ${exact}/${fx.pairs.length} pairs bit-identical, worst difference ${worst}`);
    assert.equal(exact, fx.pairs.length);
  });

  test(`corpusRouge mean equals the plain mean of rouge-score's scores, stemming ${key}; bootstrap mid is near it`, () => {
    const c = corpusRouge(fx.pairs.map((p) => p.ref), fx.pairs.map((p) => p.pred), { stem });
    assert.equal(c.pairs.length, fx.pairs.length);
    assert.deepEqual(triples(c.mean), fx.mean[key]);
    const gap = Math.max(...triples(c.mean).flat().map((m, i) => Math.abs(m - fx.bootstrapMid[key].flat()[i])));
    assert.ok(gap < 0.01, `bootstrap mid ${gap} away from the mean`);
  });
}

test('errors: non-string input, mismatched or empty corpora', () => {
  assert.throws(() => rougeScores(3 as unknown as string, 'a'), /reference: expected a string, got number/);
  assert.throws(() => rougeScores('a', null as unknown as string), /prediction: expected a string, got null/);
  assert.throws(() => rougeTokenize(undefined as unknown as string), TypeError);
  assert.throws(() => porterStem(5 as unknown as string), TypeError);
  assert.throws(() => corpusRouge(['a'], []), /1 references but 0 predictions/);
  assert.throws(() => corpusRouge([], []), /no pairs/);
  assert.throws(() => corpusRouge(['a'], [7 as unknown as string]), TypeError);
  assert.throws(() => corpusRouge('a' as unknown as string[], ['a']), TypeError);
});
