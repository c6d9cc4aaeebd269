// Exact match per kind and attention summed per sentence, checked against counts and sums worked out by hand.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exactMatchByKind, mostAttendedSentence, sentenceAttention, storyTokenSentences, wordTokenizer } from '../src';

test('exactMatchByKind counts each kind on its own, in first-seen or given order', () => {
  const hyp = ['kitchen', 'yes', 'garden', 'no', 'two', 'office'];
  const ref = ['kitchen', 'no', 'garden', 'no', 'two', 'hallway'];
  const kinds = ['where', 'yes-no', 'where', 'yes-no', 'count', 'where'];
  // by hand: where 2 of 3, yes-no 1 of 2, count 1 of 1
  assert.deepEqual(exactMatchByKind(hyp, ref, kinds), [
    { kind: 'where', n: 3, correct: 2, exactMatch: 2 / 3 },
    { kind: 'yes-no', n: 2, correct: 1, exactMatch: 1 / 2 },
    { kind: 'count', n: 1, correct: 1, exactMatch: 1 },
  ]);
  assert.deepEqual(exactMatchByKind(hyp, ref, kinds, ['count', 'where']).map((s) => [s.kind, s.correct]), [['count', 1], ['where', 2]]);
});

test('exactMatchByKind refuses lists of different lengths and a kind without examples', () => {
  assert.throws(() => exactMatchByKind(['a'], ['a', 'b'], ['x', 'x']), /1 hypotheses, 2 references and 2 kinds/);
  assert.throws(() => exactMatchByKind(['a'], ['a'], ['x'], ['x', 'lists']), /no example of kind "lists"; the kinds are x/);
});

test('sentenceAttention sums the weights of each sentence, the question in the last column', () => {
  const tokens = wordTokenizer().tokenize('Mary went home. John left. Where is Mary?');
  const sentenceOf = storyTokenSentences(tokens); // Mary went home . | John left . | Where is Mary ?
  assert.deepEqual(sentenceOf, [0, 0, 0, 0, 1, 1, 1, -1, -1, -1, -1]);
  const weights = [
    [0.1, 0.2, 0.3, 0.1, 0.05, 0.05, 0, 0.1, 0, 0.1, 0],
    [0, 0, 0, 0, 0.5, 0.25, 0.25, 0, 0, 0, 0],
  ];
  const beta = sentenceAttention(weights, sentenceOf);
  const want = [[0.7, 0.1, 0.2], [0, 1, 0]];
  beta.forEach((row, t) => row.forEach((b, k) => assert.ok(Math.abs(b - want[t][k]) < 1e-12, `β[${t}][${k}] = ${b}, want ${want[t][k]}`)));
  assert.equal(mostAttendedSentence(beta[0]), 0);
  assert.equal(mostAttendedSentence(beta[1]), 1);
  // the question's column is never the answer, however large; ties go to the first sentence
  assert.equal(mostAttendedSentence([0.1, 0.2, 0.7]), 1);
  assert.equal(mostAttendedSentence([0.3, 0.3, 0.4]), 0);
  // a sentence with no tokens gets a zero column
  assert.deepEqual(sentenceAttention([[0.5, 0.5]], [0, 2]), [[0.5, 0, 0.5, 0]]);
});

test('sentenceAttention and mostAttendedSentence refuse mismatched rows and bad sentence indices', () => {
  assert.throws(() => sentenceAttention([[0.5, 0.5], [1]], [0, 0]), /row 1 has 1 weights for 2 tokens/);
  assert.throws(() => sentenceAttention([[1]], [-2]), /sentenceOf\[0\] is -2/);
  assert.throws(() => sentenceAttention([[1]], [0.5]), /sentenceOf\[0\] is 0.5/);
  assert.throws(() => mostAttendedSentence([1]), /this one has 1/);
});
