// BLEU against sacrebleu (fixtures from scripts/make_bleu_fixtures.py), exact match, length buckets.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { byLength, corpusBleu, exactMatch, quantileEdges, sentenceBleu, tokenize13a } from '../src';

interface Fixture {
  sacrebleu: string;
  corpora: { name: string; hyps: string[]; refs: string[]; bleu: { score: number; counts: number[]; totals: number[]; precisions: number[]; bp: number; sysLen: number; refLen: number }; sentences: { hyp: string; ref: string; score: number }[] }[];
  tokenize13a: { text: string; tokens: string[] }[];
}
const fx = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'bleu.json'), 'utf8')) as Fixture;

test(`13a tokenization equals sacrebleu ${fx.sacrebleu} on ${fx.tokenize13a.length} strings`, () => {
  for (const { text, tokens } of fx.tokenize13a) assert.deepEqual(tokenize13a(text), tokens, JSON.stringify(text));
});

test(`corpus BLEU equals sacrebleu ${fx.sacrebleu} (score, precisions, BP, lengths) on ${fx.corpora.length} corpora`, () => {
  let worst = 0;
  for (const c of fx.corpora) {
    const b = corpusBleu(c.hyps, c.refs);
    assert.deepEqual([b.counts, b.totals, b.sysLen, b.refLen], [c.bleu.counts, c.bleu.totals, c.bleu.sysLen, c.bleu.refLen], c.name);
    const d = Math.max(Math.abs(b.score - c.bleu.score), Math.abs(b.bp - c.bleu.bp), ...b.precisions.map((p, i) => Math.abs(p - c.bleu.precisions[i])));
    worst = Math.max(worst, d);
    assert.ok(d < 1e-9, `${c.name}: differs by ${d}`);
    for (const s of c.sentences) assert.ok(Math.abs(sentenceBleu(s.hyp, s.ref).score - s.score) < 1e-9, `${c.name}: sentence ${JSON.stringify(s.hyp)}`);
  }
  console.log(`worst difference from sacrebleu: ${worst.toExponential(1)}`);
});

test('BLEU by hand: a perfect match is 100, and errors name the length mismatch', () => {
  assert.ok(Math.abs(corpusBleu(['a b c d'], ['a b c d']).score - 100) < 1e-9);
  assert.throws(() => corpusBleu(['a'], []), /1 hypotheses but 0 references/);
});

test('exact match and scores by source length', () => {
  assert.equal(exactMatch(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd']), 0.75);
  const items = [
    { sourceLength: 3, hypothesis: 'a b', reference: 'a b' },
    { sourceLength: 5, hypothesis: 'a b c d', reference: 'a b c d' },
    { sourceLength: 9, hypothesis: 'x', reference: 'a b c d e' },
  ];
  const buckets = byLength(items, [4, 8]);
  assert.deepEqual(buckets.map((b) => [b.from, b.to, b.n, b.exactMatch]), [[0, 4, 1, 1], [5, 8, 1, 1], [9, Infinity, 1, 0]]);
  assert.ok(Math.abs(buckets[1].bleu - 100) < 1e-9);
  assert.deepEqual(quantileEdges([1, 2, 3, 4, 5, 6], 3), [2, 4]);
});
