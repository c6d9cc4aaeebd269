// leadK and repeatedNgramRate against counts by hand, and their errors.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { leadK, repeatedNgramRate } from '../src';

test('leadK: the first k whitespace words, single-spaced; the whole text when shorter', () => {
  assert.equal(leadK('  GNU  Emacs is\tan editor.\nIt is extensible', 4), 'GNU Emacs is an');
  assert.equal(leadK('two words', 10), 'two words');
  assert.equal(leadK('', 3), '');
  assert.throws(() => leadK('a b', 0), /leadK: k must be an integer ≥ 1, not 0/);
  assert.throws(() => leadK('a b', 1.5), /not 1.5/);
  assert.throws(() => leadK(null as unknown as string, 2), /leadK: text must be a string, not null/);
});

test('repeatedNgramRate: repeated n-grams over all n-grams, by hand', () => {
  // "a b c a b c": abc bca cab abc → 1 of 4; "x y z": xyz → 0 of 1; "p q": no trigram
  assert.deepEqual(repeatedNgramRate(['a b c a b c', 'x y z', 'p q']), { repeated: 1, total: 5, rate: 0.2, textsWithRepeat: 1 });
  // bigrams of "dns dns dns dns": 3 bigrams, all "dns dns": 2 repeated
  assert.deepEqual(repeatedNgramRate(['dns dns dns dns'], 2), { repeated: 2, total: 3, rate: 2 / 3, textsWithRepeat: 1 });
  // an n-gram repeated only across texts is not a repetition
  assert.equal(repeatedNgramRate(['a b c', 'a b c']).repeated, 0);
  assert.deepEqual(repeatedNgramRate([]), { repeated: 0, total: 0, rate: 0, textsWithRepeat: 0 });
  assert.throws(() => repeatedNgramRate(['a'], 0), /n must be an integer ≥ 1, not 0/);
  assert.throws(() => repeatedNgramRate(['a', 3 as unknown as string]), /text 1 is number, not a string/);
});
