// prepareTask: one kind of Debian pair, BPE learned on the training split only (joint or per side).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { bpeTokenizersFor, learnBpe, prepareTask, type Pair } from '../src';

const pairs: Pair[] = [
  { source: 'the lowest GNOME library', target: 'la bibliothèque GNOME la plus basse', line: 1 },
  { source: 'the newest GNOME library', target: 'la bibliothèque GNOME la plus récente', line: 2 },
  { source: 'newer library', target: 'bibliothèque plus récente', line: 3 },
];

test('bpeTokenizersFor: joint merges are learned on both sides and shared; separate ones per side', () => {
  const joint = bpeTokenizersFor('debian-en-fr', pairs, { type: 'bpe', merges: 30 });
  assert.equal(joint.source.spec.type, 'bpe');
  assert.deepEqual(joint.source.spec.type === 'bpe' && joint.source.spec.merges, joint.target.spec.type === 'bpe' && joint.target.spec.merges);
  assert.equal(joint.target.spec.locale, 'fr', 'the target keeps its word tokenizer options');
  // the same merges as learnBpe on the words of both sides
  const words = pairs.flatMap((p) => [...p.source.split(' '), ...p.target.split(' ')]);
  assert.deepEqual(joint.source.spec.type === 'bpe' && joint.source.spec.merges, learnBpe(words, { merges: 30 }));
  // 'bibliothèque' appears only in French; joint merges split it whole on the English side too
  assert.deepEqual(joint.source.tokenize('bibliothèque'), ['▁bibliothèque']);
  const sep = bpeTokenizersFor('debian-en-fr', pairs, { type: 'bpe', merges: 30, joint: false });
  assert.notDeepEqual(sep.source.tokenize('bibliothèque'), ['▁bibliothèque']);
  assert.deepEqual(sep.target.tokenize('bibliothèque'), ['▁bibliothèque']);
  for (const t of [joint.source, joint.target, sep.source, sep.target]) assert.equal(t.detokenize(t.tokenize('the GNOME libraries, newest')), 'the GNOME libraries, newest');
});

test('bpeTokenizersFor refuses character datasets and other tokenizer types', () => {
  assert.throws(() => bpeTokenizersFor('dates', pairs, { type: 'bpe', merges: 10 }), /BPE splits words, but "dates" is tokenized by char/);
  assert.throws(() => bpeTokenizersFor('debian-en-fr', pairs, { type: 'word' } as never), /tokenizer.type must be 'bpe'/);
});

test('prepareTask: Debian synopses with BPE learned on the training split only', () => {
  const task = prepareTask('debian-en-fr', { kind: 'synopsis', tokenizer: { type: 'bpe', merges: 500 } });
  assert.ok(task.dataset.pairs.every((p) => (p as Pair & { kind: string }).kind === 'synopsis'));
  assert.equal(task.train.length, task.dataset.train.length);
  assert.equal(task.sourceTokenizer.kind, 'bpe');
  assert.equal(task.targetTokenizer.kind, 'bpe:fr');
  // the merges are those learned on the training pairs, whatever valid and test hold
  const again = bpeTokenizersFor('debian-en-fr', task.dataset.train, { type: 'bpe', merges: 500 });
  assert.deepEqual(task.sourceTokenizer.spec, again.source.spec);
  // every piece of a training sentence is in the vocabulary; the test split round-trips through the tokenizers
  const p = task.dataset.test[0];
  assert.equal(task.targetTokenizer.detokenize(task.targetTokenizer.tokenize(p.target)), p.target.replace(/\s+/g, ' ').trim().normalize('NFC'));
  assert.ok(task.sourceTokenizer.tokenize(task.dataset.train[0].source).every((t) => task.sourceVocab.has(t)));
  // without options: words, all kinds
  const words = prepareTask('debian-en-fr');
  assert.equal(words.sourceTokenizer.kind, 'word');
  assert.ok(words.dataset.pairs.length > task.dataset.pairs.length);
});
