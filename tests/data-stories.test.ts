// bAbI-style stories: the generator is seeded, its answers and supporting sentences agree with an independent
// rule-based reader (itself checked on hand-written stories), and the bundled dataset loads, splits, tokenizes and
// regenerates byte for byte.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { STORIES, writeStories } from '../scripts/make_datasets';
import {
  DataFileError, DATASETS_DIR, generateStories, loadDataset, prepareTask, readStories, solveStory, STORY_KINDS, storySource,
  storyTokenSentences, StoryPair, UNK_ID, wordTokenizer,
} from '../src';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-stories-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('solveStory answers hand-written stories as worked out by hand', () => {
  const s = [
    'Mary went to the kitchen.', //          0
    'John moved to the garden.', //          1
    'Mary picked up the apple.', //          2
    'Mary travelled to the office.', //      3
    'John grabbed the milk.', //             4
    'Mary dropped the apple.', //            5
    'Mary went back to the hallway.', //     6
    'John took the football.', //            7
    'John journeyed to the bedroom.', //     8
    'Mary got the book.', //                 9
  ];
  assert.deepEqual(solveStory(s, 'Where is Mary?'), { kind: 'single-supporting-fact', answer: 'hallway', supporting: [6] });
  assert.deepEqual(solveStory(s.slice(0, 6), 'Where is Mary?'), { kind: 'single-supporting-fact', answer: 'office', supporting: [3] });
  // the apple was dropped in the office (Mary's place at sentence 5), though Mary has moved on
  assert.deepEqual(solveStory(s, 'Where is the apple?'), { kind: 'two-supporting-facts', answer: 'office', supporting: [3, 5] });
  // the milk is carried by John, picked up after his last move but one: his last move decides
  assert.deepEqual(solveStory(s, 'Where is the milk?'), { kind: 'two-supporting-facts', answer: 'bedroom', supporting: [4, 8] });
  assert.deepEqual(solveStory(s.slice(0, 8), 'Where is the milk?'), { kind: 'two-supporting-facts', answer: 'garden', supporting: [1, 4] });
  assert.deepEqual(solveStory(s, 'Is John in the bedroom?'), { kind: 'yes-no', answer: 'yes', supporting: [8] });
  assert.deepEqual(solveStory(s, 'Is John in the garden?'), { kind: 'yes-no', answer: 'no', supporting: [8] });
  assert.deepEqual(solveStory(s, 'How many objects is John carrying?'), { kind: 'counting', answer: 'two', supporting: [4, 7] });
  assert.deepEqual(solveStory(s, 'How many objects is Mary carrying?'), { kind: 'counting', answer: 'one', supporting: [2, 5, 9] });
  assert.deepEqual(solveStory(s.slice(0, 9), 'How many objects is Mary carrying?'), { kind: 'counting', answer: 'none', supporting: [2, 5] });
  assert.deepEqual(solveStory(s, 'What is John carrying?'), { kind: 'lists', answer: 'milk, football', supporting: [4, 7] });
  assert.deepEqual(solveStory(s.slice(0, 9), 'What is Mary carrying?'), { kind: 'lists', answer: 'nothing', supporting: [2, 5] });
  // an object picked up again keeps the order of the latest pickups
  const again = ['Sandra went to the garden.', 'Sandra took the apple.', 'Sandra got the milk.', 'Sandra left the apple.', 'Sandra grabbed the apple.'];
  assert.deepEqual(solveStory(again, 'What is Sandra carrying?'), { kind: 'lists', answer: 'milk, apple', supporting: [1, 2, 3, 4] });
});

test('solveStory refuses inconsistent worlds, unanswerable questions and unknown sentences, naming the sentence', () => {
  assert.throws(() => solveStory(['Mary went to the kitchen.', 'Mary moved to the kitchen.'], 'Where is Mary?'), /sentence 1 "Mary moved to the kitchen\.": Mary is already in the kitchen/);
  assert.throws(() => solveStory(['Mary took the apple.', 'John got the apple.'], 'Where is Mary?'), /sentence 1 .*Mary holds the apple/);
  assert.throws(() => solveStory(['John dropped the apple.'], 'Where is John?'), /sentence 0 .*John does not hold the apple/);
  assert.throws(
    () => solveStory(['Mary went to the kitchen.', 'Mary took the apple.', 'Mary left the apple.', 'John went to the garden.', 'John took the apple.'], 'Where is John?'),
    /sentence 4 .*the apple lies in kitchen, John is in garden/,
  );
  const four = ['Mary took the apple.', 'Mary took the milk.', 'Mary took the book.', 'Mary took the football.'];
  assert.throws(() => solveStory(four, 'What is Mary carrying?'), /sentence 3 .*already carries 3 objects/);
  assert.equal(solveStory(four, 'What is Mary carrying?', 4).answer, 'apple, milk, book, football');
  assert.throws(() => solveStory(['Mary took the apple.'], 'Where is the apple?'), /cannot be answered: where Mary is is not told/);
  assert.throws(() => solveStory(['Mary took the apple.'], 'Where is John?'), /cannot be answered: John never moves/);
  assert.throws(() => solveStory(['Mary took the apple.'], 'Where is the milk?'), /the milk is never mentioned/);
  assert.throws(() => solveStory(['Mary took the apple.'], 'Why is Mary?'), /unknown question form "Why is Mary\?"/);
  assert.throws(() => solveStory(['Mary ate the apple.'], 'Where is Mary?'), /sentence 0 is not a move, pickup or drop: "Mary ate the apple\."/);
});

test('generateStories: the same seed gives the same stories, another seed others; perKind of each kind, interleaved', () => {
  const a = generateStories({ seed: 5, perKind: 50 });
  assert.deepEqual(generateStories({ seed: 5, perKind: 50 }), a);
  const b = generateStories({ seed: 6, perKind: 50 });
  assert.notDeepEqual(b, a);
  assert.equal(a.length, 250);
  assert.deepEqual(a.slice(0, 5).map((s) => s.kind), STORY_KINDS);
  for (const k of STORY_KINDS) assert.equal(a.filter((s) => s.kind === k).length, 50);
  for (const s of a) assert.ok(s.sentences.length >= 2 && s.sentences.length <= 10, `${s.sentences.length} sentences`);
  assert.deepEqual(generateStories({ seed: 5, perKind: 3, kinds: ['lists'] }).map((s) => s.kind), ['lists', 'lists', 'lists']);
  const long = generateStories({ seed: 5, perKind: 20, minSentences: 12, maxSentences: 12 });
  assert.ok(long.every((s) => s.sentences.length === 12));
});

test('generated answers and supporting sentences equal the independent reader on 15 000 stories of 2 to 20 sentences', () => {
  let n = 0;
  for (const [seed, maxSentences] of [[1, 10], [2, 20], [3, 4]] as const) {
    for (const s of generateStories({ seed, perKind: 1000, maxSentences })) {
      const solved = solveStory(s.sentences, s.question);
      assert.deepEqual(solved, { kind: s.kind, answer: s.answer, supporting: s.supporting }, `seed ${seed}: ${storySource(s)} → ${s.answer}`);
      n++;
    }
  }
  assert.equal(n, 15_000);
});

test('supporting sentences are needed: without them the answer changes or the story no longer holds', () => {
  let checked = 0;
  for (const s of generateStories({ seed: 9, perKind: 400, kinds: ['single-supporting-fact', 'counting', 'lists'] })) {
    for (const drop of s.supporting) {
      const rest = s.sentences.filter((_, i) => i !== drop);
      let answer: string | undefined;
      try {
        answer = solveStory(rest, s.question).answer;
      } catch {
        answer = undefined; // inconsistent or unanswerable without it
      }
      // lists: dropping a pickup of an object picked up again later leaves the same list; the pickup order may not change
      if (s.kind === 'lists' && answer === s.answer) continue;
      assert.notEqual(answer, s.answer, `${storySource(s)} without sentence ${drop} still answers ${s.answer}`);
      checked++;
    }
  }
  assert.ok(checked > 1500, `${checked} removals checked`);
});

test('generateStories: answers are balanced within each kind', () => {
  const st = generateStories({ seed: 11, perKind: 400 });
  const tally = (k: string, f: (a: string) => string = (a) => a) => {
    const m: Record<string, number> = {};
    for (const s of st) if (s.kind === k) m[f(s.answer)] = (m[f(s.answer)] ?? 0) + 1;
    return m;
  };
  assert.deepEqual(tally('yes-no'), { yes: 200, no: 200 });
  assert.deepEqual(tally('counting'), { none: 100, one: 100, two: 100, three: 100 });
  assert.deepEqual(tally('lists', (a) => (a === 'nothing' ? '0' : String(a.split(', ').length))), { 0: 100, 1: 100, 2: 100, 3: 100 });
  const places = tally('single-supporting-fact');
  assert.equal(Object.keys(places).length, 6);
  assert.ok(Math.min(...Object.values(places)) > 40, JSON.stringify(places));
});

test('generateStories: bad options are errors naming the option', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ seed: -1, perKind: 1 }, /seed must be an integer from 0 to 4294967295, received -1/],
    [{ seed: 1.5, perKind: 1 }, /seed must be an integer/],
    [{ perKind: 1 }, /seed must be an integer .* received undefined/],
    [{ seed: 1, perKind: 0 }, /perKind must be an integer from 1 to 1000000, received 0/],
    [{ seed: 1, perKind: '3' }, /perKind must be an integer .* received "3"/],
    [{ seed: 1, perKind: 1, minSentences: 1 }, /minSentences must be an integer from 2 to 100, received 1/],
    [{ seed: 1, perKind: 1, minSentences: 5, maxSentences: 4 }, /maxSentences must be an integer from 5 to 100, received 4/],
    [{ seed: 1, perKind: 1, kinds: [] }, /kinds must be a non-empty list/],
    [{ seed: 1, perKind: 1, kinds: ['riddles'] }, /kinds holds "riddles"; choose from single-supporting-fact, two-supporting-facts, yes-no, counting, lists/],
    [{ seed: 1, perKind: 1, kinds: ['lists', 'lists'] }, /kinds lists a kind twice/],
    [null, /options must be an object with seed and perKind/],
  ];
  for (const [opts, re] of bad) assert.throws(() => generateStories(opts as never), re, JSON.stringify(opts));
  // three objects carried cannot happen in two sentences
  assert.throws(() => generateStories({ seed: 1, perKind: 4, kinds: ['counting'], maxSentences: 2 }), /no counting story with answer class 3 in 10000 tries of 2-2 sentences; raise maxSentences/);
});

test('storyTokenSentences: each token its sentence, the question -1', () => {
  const tok = wordTokenizer();
  const tokens = tok.tokenize('Mary went to the kitchen. John took the apple. Where is Mary?');
  assert.deepEqual(storyTokenSentences(tokens), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1, -1, -1, -1]);
  assert.deepEqual(storyTokenSentences(tok.tokenize('Where is Mary?')), [-1, -1, -1, -1]);
});

const dataset = loadDataset('stories');
const pairs = dataset.pairs as StoryPair[];

test('the bundled stories: 10 000, every kind 1600/200/200 in train/valid/test, every answer the reader\'s', () => {
  assert.equal(pairs.length, 10_000);
  assert.deepEqual(dataset.report.skipped, {});
  for (const part of ['train', 'valid', 'test'] as const) {
    for (const k of STORY_KINDS) {
      assert.equal((dataset[part] as StoryPair[]).filter((p) => p.kind === k).length, part === 'train' ? 1600 : 200, `${k} ${part}`);
    }
  }
  for (const p of pairs) {
    assert.equal(p.source, [...p.sentences, p.question].join(' '));
    assert.ok(p.sentences.every((s) => s.endsWith('.')) && p.question.endsWith('?'), `line ${p.line}`);
    assert.deepEqual(solveStory(p.sentences, p.question), { kind: p.kind, answer: p.target, supporting: p.supporting }, `line ${p.line}`);
  }
  assert.deepEqual(dataset.meta.options, { ...STORIES });
});

test('the bundled stories: supporting sentences mention the answer or the asked person or object', () => {
  for (const p of pairs) {
    const asked = /^(?:Where is (?:the )?|Is |How many objects is |What is )(\w+)/.exec(p.question)![1];
    for (const i of p.supporting) {
      const s = p.sentences[i];
      const words = s.slice(0, -1).split(' ');
      assert.ok(words.includes(asked) || words.includes(p.target), `line ${p.line}: sentence ${i} "${s}" mentions neither ${asked} nor ${p.target}`);
    }
    if (p.kind === 'counting' || p.kind === 'lists') assert.ok(p.supporting.every((i) => p.sentences[i].startsWith(`${asked} `)));
    if (p.kind === 'two-supporting-facts') assert.equal(p.supporting.length, 2);
    if (p.kind === 'single-supporting-fact' || p.kind === 'yes-no') assert.equal(p.supporting.length, 1);
  }
});

test('the bundled stories: no story is told twice, so none straddles two splits', () => {
  const where = new Map<string, string>();
  for (const part of ['train', 'valid', 'test'] as const) {
    for (const p of dataset[part] as StoryPair[]) {
      const story = p.sentences.join(' ');
      assert.ok(!where.has(story), `line ${p.line}: story also in ${where.get(story)}`);
      where.set(story, part);
    }
  }
  assert.equal(where.size, 10_000);
});

test('prepareTask("stories"): word tokens that detokenize to the text, sentence indices, no <unk>, one kind on request', () => {
  const task = prepareTask('stories');
  assert.equal(task.train.length, 8000);
  assert.equal(task.test.length, 1000);
  assert.ok(task.sourceVocab.size < 60, `source vocabulary of ${task.sourceVocab.size}`);
  for (const part of ['train', 'valid', 'test'] as const) {
    task[part].forEach((ex, i) => {
      const p = task.dataset[part][i] as StoryPair;
      assert.ok(!ex.source.includes(UNK_ID) && !ex.target.includes(UNK_ID), `${part} ${i}: <unk>`);
      const tokens = task.sourceVocab.decode(ex.source);
      assert.equal(task.sourceTokenizer.detokenize(tokens), p.source);
      assert.equal(task.targetTokenizer.detokenize(task.targetVocab.decode(ex.target)), p.target);
      const of = storyTokenSentences(tokens);
      assert.equal(Math.max(...of) + 1, p.sentences.length);
      assert.equal(task.sourceTokenizer.detokenize(tokens.filter((_, j) => of[j] === -1)), p.question);
      assert.equal(task.sourceTokenizer.detokenize(tokens.filter((_, j) => of[j] === p.supporting[0])), p.sentences[p.supporting[0]]);
    });
  }
  const counting = prepareTask('stories', { kind: 'counting' });
  assert.deepEqual([counting.train.length, counting.valid.length, counting.test.length], [1600, 200, 200]);
  assert.ok((counting.dataset.pairs as StoryPair[]).every((p) => p.kind === 'counting'));
  assert.throws(() => loadDataset('stories', { kind: 'riddles' }), /"stories" has no pairs of kind "riddles"; its kinds are single-supporting-fact, two-supporting-facts, yes-no, counting, lists/);
  assert.throws(() => loadDataset('dates', { kind: 'counting' }), /"dates" has no kinds; \{ kind \} is for debian-en-fr, debian-summaries, stories/);
});

test('readStories: a damaged file is an error naming the file and line', () => {
  const header = 'split\tkind\tsupporting\tstory\tquestion\tanswer\n';
  const row = (cells: string) => {
    const f = path.join(tmp, `s${Math.random().toString(36).slice(2)}.tsv.gz`);
    fs.writeFileSync(f, zlib.gzipSync(header + cells + '\n'));
    return f;
  };
  const ok = 'train\tyes-no\t0\tMary went to the kitchen.\tIs Mary in the kitchen?\tyes';
  assert.equal(readStories(row(ok)).train[0].target, 'yes');
  const cases: Array<[string, RegExp]> = [
    ['train\tyes-no\t0\tMary went to the kitchen.\tIs Mary in the kitchen?', /:2: expected 6 tab-separated columns, found 5/],
    ['exam\tyes-no\t0\tMary went to the kitchen.\tIs Mary in the kitchen?\tyes', /:2: split must be train, valid or test, not "exam"/],
    ['train\triddle\t0\tMary went to the kitchen.\tIs Mary in the kitchen?\tyes', /:2: kind must be one of .*, not "riddle"/],
    ['train\tyes-no\t1\tMary went to the kitchen.\tIs Mary in the kitchen?\tyes', /:2: supporting "1" must be sentence indices from 0 to 0/],
    ['train\tyes-no\t0,x\tMary went to the kitchen.\tIs Mary in the kitchen?\tyes', /:2: supporting "0,x"/],
    ['train\tyes-no\t0\tMary went to the kitchen.\tIs Mary in the kitchen?\t ', /:2: empty answer cell/],
  ];
  for (const [cells, re] of cases) {
    assert.throws(() => readStories(row(cells)), (e: unknown) => e instanceof DataFileError && re.test(e.message), cells);
  }
  const f = path.join(tmp, 'badheader.tsv.gz');
  fs.writeFileSync(f, zlib.gzipSync('source\ttarget\n'));
  assert.throws(() => readStories(f), /badheader\.tsv\.gz:1: expected the header/);
});

test('`npm run datasets` regenerates datasets/stories byte for byte', () => {
  const out = path.join(tmp, 'regen');
  const made = writeStories(out);
  assert.equal(made.rows, 10_000);
  for (const name of ['README.md', 'meta.json', 'data.tsv.gz']) {
    const a = fs.readFileSync(path.join(DATASETS_DIR, 'stories', name));
    const b = fs.readFileSync(path.join(out, 'stories', name));
    assert.ok(a.equals(b), `stories/${name} differs after regeneration`);
  }
  assert.equal(dataset.meta.bytes, fs.statSync(path.join(DATASETS_DIR, 'stories', 'data.tsv.gz')).size);
  assert.ok(dataset.meta.bytes < 1024 * 1024, `${dataset.meta.bytes} bytes`);
  const readme = fs.readFileSync(path.join(DATASETS_DIR, 'stories', 'README.md'), 'utf8');
  for (const needle of ['provenance', 'licence', 'regenerate', 'Weston et al. 2015', 'seed:2015', '\\| counting \\| 1600 \\| 200 \\| 200 \\|']) {
    assert.match(readme, new RegExp(needle), `stories/README.md lacks ${needle}`);
  }
});
