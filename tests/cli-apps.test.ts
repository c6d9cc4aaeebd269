// npm run summarise / npm run answer (and the train.ts options they need): each command on a model trained here in
// seconds, its output checked against the library's own translate of the same source text, and its errors.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  encodeSplits, firstTokens, generateStories, loadDataset, loadModel, newStoryPairs, mostAttendedSentence, parseStory, prepareTask, saveModel, sentenceAttention, Seq2Seq, storyQuestion,
  storySource, storyTokenSentences, tf, type Story, type StoryPair, translate, Vocabulary, wordTokenizer, type ModelBundle, type TokenizerSpec,
} from '../src';
import { isLibtensorflowStartupNoise } from '../scripts/lib/tf-log-filter';

const ROOT = path.resolve(__dirname, '..', '..');
/** Runs build/scripts/<script>.js; stderr without the lines libtensorflow prints at load time whatever one asks. */
function cli(script: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'scripts', `${script}.js`), ...args], { encoding: 'utf8', cwd: ROOT, input });
  return { ...r, stderr: r.stderr.split('\n').filter((l) => !isLibtensorflowStartupNoise(l)).join('\n') };
}

// ---- the library pieces ----

test('parseStory: one sentence per line or several on a line, blank lines skipped, a missing "." added; storyQuestion adds "?"', () => {
  assert.deepEqual(parseStory('Mary went to the garden.\n\n  John   took the milk  \r\nSandra moved to the office. Mary dropped the apple.\n'),
    ['Mary went to the garden.', 'John took the milk.', 'Sandra moved to the office.', 'Mary dropped the apple.']);
  assert.deepEqual(parseStory('Mary went to the garden. John took the milk.'), ['Mary went to the garden.', 'John took the milk.']);
  assert.throws(() => parseStory(' \n\n \n'), /parseStory: the story has no sentences/);
  assert.throws(() => parseStory('.\n'), /parseStory: the story has no sentences/);
  assert.equal(storyQuestion('  Where is   Mary '), 'Where is Mary?');
  assert.equal(storyQuestion('What is John carrying?'), 'What is John carrying?');
  assert.throws(() => storyQuestion(' ? '), /storyQuestion: the question is empty/);
  // the parsed story is the dataset's source text: storySource joins it with the question by single spaces
  assert.equal(storySource({ sentences: parseStory('Mary went to the garden\nJohn took the milk'), question: storyQuestion('Where is Mary') }),
    'Mary went to the garden. John took the milk. Where is Mary?');
});

test('newStoryPairs: the told stories none of the known ones tells, as dataset pairs numbered from 1', () => {
  const story = (sentences: string[], question: string, answer: string): Story => ({ kind: 'single-supporting-fact', sentences, question, answer, supporting: [0] });
  const told = [
    story(['Mary went to the garden.'], 'Where is Mary?', 'garden'),
    story(['John went to the office.', 'Mary went to the garden.'], 'Where is John?', 'office'),
    story(['Sandra moved to the kitchen.'], 'Where is Sandra?', 'kitchen'),
  ];
  const pairs = newStoryPairs(told, [{ sentences: ['Mary went to the garden.'] }]);
  assert.deepEqual(pairs.map((p) => [p.line, p.source, p.target]), [
    [1, 'John went to the office. Mary went to the garden. Where is John?', 'office'],
    [2, 'Sandra moved to the kitchen. Where is Sandra?', 'kitchen'],
  ]);
  assert.deepEqual(pairs[1].sentences, ['Sandra moved to the kitchen.']);
  assert.equal(pairs[1].kind, 'single-supporting-fact');
});

test('firstTokens cuts a text to its first n tokens (chapter 10 cuts the paragraphs so)', () => {
  const tok = wordTokenizer({ lowercase: true });
  assert.equal(firstTokens(tok, 'A small Tool, for GNU/Linux systems.', 4), 'a small tool,');
  assert.equal(firstTokens(tok, 'short text', 40), 'short text');
  assert.throws(() => firstTokens(tok, 'x', 0), /firstTokens: n must be a positive integer, received 0/);
});

test('encodeSplits: per-side vocabulary limits override the shared ones', () => {
  const pairs = [{ source: 'a b c d', target: 'x y z', line: 1 }, { source: 'a b', target: 'x', line: 2 }];
  const e = encodeSplits({ train: pairs, valid: [], test: [] }, { source: wordTokenizer(), target: wordTokenizer() }, { maxSize: 6, target: { maxSize: 5 } });
  assert.equal(e.sourceVocab.size, 6); // 4 specials + the two most frequent source words (▁a, ▁b: twice each)
  assert.deepEqual(e.sourceVocab.tokens.slice(4), ['▁a', '▁b']);
  assert.equal(e.targetVocab.size, 5);
  assert.deepEqual(e.targetVocab.tokens.slice(4), ['▁x']);
});

test('prepareTask: lowercase, sourceTokens and per-side vocabulary limits, as chapter 10 builds its task', () => {
  const task = prepareTask('debian-summaries', { lowercase: true, sourceTokens: 12, vocab: { source: { maxSize: 300 }, target: { maxSize: 200 } } });
  assert.equal(task.sourceTokenizer.spec.lowercase, true);
  assert.equal(task.targetTokenizer.spec.lowercase, true);
  assert.equal(task.sourceVocab.size, 300);
  assert.equal(task.targetVocab.size, 200);
  const raw = prepareTask('debian-summaries', { vocab: { maxSize: 10 } }).dataset;
  assert.equal(task.dataset.train.length, raw.train.length);
  // every source is the raw one lower-cased and cut to 12 word tokens; targets untouched
  const tok = wordTokenizer({ lowercase: true });
  task.dataset.train.slice(0, 200).forEach((p, i) => {
    assert.equal(p.source, tok.detokenize(tok.tokenize(raw.train[i].source).slice(0, 12)));
    assert.equal(p.target, raw.train[i].target);
  });
  assert.ok(task.train.every((e) => e.source.length <= 12), 'no encoded source over 12 tokens');
  assert.ok(raw.train.some((p) => tok.tokenize(p.source).length > 12), 'the raw paragraphs are longer');
  assert.throws(() => prepareTask('debian-summaries', { sourceTokens: 0 }), /prepareTask: sourceTokens must be a positive integer, received 0/);
});

// ---- the commands on models trained by npm run train ----

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-apps-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function trainConfig(name: string, config: object) {
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(config));
  const t = cli('train', [path.join(dir, `${name}.json`)]);
  assert.equal(t.status, 0, t.stderr);
  return t;
}

/** The line a command prints for a result of translate. */
const stopped = (r: { finished: boolean }) => (r.finished ? '' : '\t(stopped at the length limit)');

/** f on the model loaded from folder; no tensor left behind. */
async function withModel<T>(folder: string, f: (b: ModelBundle) => T): Promise<T> {
  const tensors = tf.memory().numTensors;
  const b = await loadModel(folder);
  try {
    return f(b);
  } finally {
    b.model.dispose();
    assert.equal(tf.memory().numTensors, tensors, "tensors leaked");
  }
}

test('train a summariser (copy, cut sources, lower case) and summarise with it: the input cut as in training, the output as the library writes it', async () => {
  const t = trainConfig('summary', {
    dataset: 'debian-summaries', lowercase: true, sourceTokens: 12, vocab: { source: { maxSize: 400 }, target: { maxSize: 200 } },
    model: { kind: 'bahdanau', cell: 'gru', encoder: 'rnn', embeddingDim: 8, units: 8, seed: 1, copy: true },
    train: { epochs: 1, batchSize: 64, seed: 1, maxBatchesPerEpoch: 2 },
    out: 'summary-model',
  });
  const model = path.join(dir, 'summary-model');
  assert.match(t.stdout, /try it: npm run summarise -- /);
  const report = JSON.parse(fs.readFileSync(path.join(model, 'report.json'), 'utf8')) as { sourceTokens: number; lowercase: boolean; testRougeL: number };
  assert.equal(report.sourceTokens, 12);
  assert.equal(report.lowercase, true);
  assert.ok(report.testRougeL >= 0 && report.testRougeL <= 1, `ROUGE-L ${report.testRougeL}`);
  const saved = (JSON.parse(fs.readFileSync(path.join(model, 'model.json'), 'utf8')) as { modelTopology: { sourceTokenizer: TokenizerSpec } }).modelTopology;
  assert.equal(saved.sourceTokenizer.lowercase, true);

  const long = 'Zyxwv is a Command-line tool for managing compressed archives of many formats, with a small library and plugins for file managers';
  const short = 'A library for zyxwv files';
  const r = cli('summarise', [model, long, short, '--beam', '2']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 2);
  const expected = await withModel(model, (b) => translate(b, [firstTokens(b.sourceTokenizer, long, 12), short], { beam: 2 }));
  assert.deepEqual(lines, expected.map((e) => `${e.text}${stopped(e)}`));
  assert.ok(expected[0].sourceTokens.length === 12 && expected[0].sourceTokens[0] === '▁zyxwv', expected[0].sourceTokens.join(' '));
  assert.match(r.stderr, /summarise: input 1: 2\d tokens; the model reads the first 12, as it was trained \(report.json "sourceTokens"\)/);
  assert.match(r.stderr, /summarise: input 2: 1 token\(s\) not in the model's vocabulary, read as <unk>: "▁zyxwv" \(a copy model: it can still copy them to the output\)/);
  assert.doesNotMatch(r.stderr, /input 1: 1 token|most of the input/);

  // a summariser asked to answer: refused, naming what it was trained on
  const wrong = cli('answer', [model, '--story-text', 'Mary went to the garden.', 'Where is Mary?']);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /answer: .*summary-model was trained on "debian-summaries" \(its report.json\), so it is not a model for answer: try npm run summarise/);
});

test('train a question-answering model on the stories and answer with it: a story file, standard input or inline text, --why', async () => {
  const t = trainConfig('qa', {
    dataset: 'stories',
    moreStories: { seed: 3, perKind: 20 },
    model: { kind: 'bahdanau', cell: 'gru', encoder: 'rnn', embeddingDim: 8, units: 8, seed: 1 },
    train: { epochs: 1, batchSize: 64, seed: 1, maxBatchesPerEpoch: 2 },
    out: 'qa-model',
  });
  const model = path.join(dir, 'qa-model');
  assert.match(t.stdout, /try it: npm run answer -- .*qa-model --story-text ".+\." ".+\?" --why/);
  const bundled = loadDataset('stories');
  const more = newStoryPairs(generateStories({ seed: 3, perKind: 20 }), bundled.pairs as StoryPair[]).length;
  assert.ok(more > 0 && more <= 100, `${more}`);
  assert.match(t.stdout, new RegExp(`moreStories: ${more} generated stories added to the ${bundled.train.length} bundled training stories`));
  assert.match(t.stdout, new RegExp(`stories: ${bundled.train.length + more} train / ${bundled.valid.length} valid`));
  assert.deepEqual((JSON.parse(fs.readFileSync(path.join(model, 'report.json'), 'utf8')) as { moreStories: unknown }).moreStories, { seed: 3, perKind: 20 });
  const storyFile = path.join(dir, 'story.txt');
  fs.writeFileSync(storyFile, 'Mary went to the garden\nJohn took the milk.\n\nJohn travelled to the office. Mary moved to the kitchen.\n');
  const sentences = ['Mary went to the garden.', 'John took the milk.', 'John travelled to the office.', 'Mary moved to the kitchen.'];
  const questions = ['Where is Mary?', 'Where is the milk', 'Is John in the office?'];
  const expected = await withModel(model, (b) => {
    const rs = translate(b, questions.map((q) => storySource({ sentences, question: storyQuestion(q) })));
    return rs.map((r, i) => {
      const k = mostAttendedSentence(sentenceAttention(r.attention!, storyTokenSentences(r.sourceTokens))[0]);
      return `${storyQuestion(questions[i])}\t${r.text}${stopped(r)}\tmost attended: ${sentences[k]}`;
    });
  });
  const fromFile = cli('answer', [model, '--story', storyFile, ...questions, '--why']);
  assert.equal(fromFile.status, 0, fromFile.stderr);
  assert.deepEqual(fromFile.stdout.split('\n').filter(Boolean), expected);
  assert.equal(fromFile.stderr, '', 'every word is in the vocabulary');
  assert.equal(expected[1].split('\t')[0], 'Where is the milk?');

  const fromStdin = cli('answer', [model, '--story', '-', ...questions, '--why'], sentences.join('\n'));
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  assert.deepEqual(fromStdin.stdout.split('\n').filter(Boolean), expected);
  const inline = cli('answer', [model, '--story-text', sentences.join(' '), ...questions]);
  assert.deepEqual(inline.stdout.split('\n').filter(Boolean), expected.map((l) => l.split('\t').slice(0, -1).join('\t')));

  // unknown words reported (not a copy model: no copy note)
  const odd = cli('answer', [model, '--story-text', 'Mary teleported to Mars.', 'Where is Mary?']);
  assert.equal(odd.status, 0, odd.stderr);
  assert.match(odd.stderr, /answer: story: 2 token\(s\) not in the model's vocabulary, read as <unk>: "▁teleported" "▁Mars"$/m);
  assert.match(odd.stdout, /^Where is Mary\?\t/);

  // a question-answering model asked to summarise: refused
  const wrong = cli('summarise', [model, 'A library for archives.']);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /summarise: .*qa-model was trained on "stories" \(its report.json\), so it is not a model for summarise: try npm run answer/);
});

test('answer with a model without report.json that is not a story model: the words reported as mostly unknown, no crash; a baseline has no --why', async () => {
  const folder = path.join(dir, 'chars');
  const src = Vocabulary.build([Array.from('abc')]);
  const tgt = Vocabulary.build([Array.from('xyz')]);
  const model = new Seq2Seq({ kind: 'baseline', cell: 'gru', encoder: 'rnn', sourceVocabSize: src.size, targetVocabSize: tgt.size, embeddingDim: 4, units: 8, seed: 1 });
  await saveModel(folder, { model, sourceVocab: src, targetVocab: tgt, sourceTokenizer: wordTokenizer(), targetTokenizer: wordTokenizer() });
  model.dispose();
  const r = cli('answer', [folder, '--story-text', 'Mary went to the garden.', 'Where is Mary?', '--why']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /answer: story: 6 token\(s\) not in the model's vocabulary, read as <unk>: .*; that is most of the input: is this a question-answering model \(trained on stories\)\?/);
  assert.match(r.stdout, /^Where is Mary\?\t.*\t\(no attention weights: this model has none to show\)$/m);
});

test('summarise and answer: usage, missing model, empty input, empty or missing story, each with status 1', () => {
  const bad = (script: string, args: string[], re: RegExp, input?: string) => {
    const r = cli(script, args, input);
    assert.equal(r.status, 1, `${script} ${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, re);
  };
  bad('summarise', [], /^summarise: usage: npm run summarise -- <model folder> "text" \["more text" \.\.\.\] \[--beam K\]/);
  bad('summarise', ['no/such/model', 'some text'], /summarise: loadModel: no model at no\/such\/model .*train one with npm run train/);
  bad('summarise', ['no/such/model'], /summarise: nothing to summarise: give the text after the model folder/);
  bad('summarise', ['no/such/model', 'text', ' '], /summarise: input 2 is empty/);
  bad('summarise', ['no/such/model', 'text', '--beam', '0'], /summarise: --beam needs a positive integer, not "0"/);

  const story = ['--story-text', 'Mary went to the garden.'];
  bad('answer', [], /^answer: usage: npm run answer -- <model folder> --story <file\|-> "question"/);
  bad('answer', ['no/such/model', ...story, 'Where is Mary?'], /answer: loadModel: no model at no\/such\/model .*train one with npm run train/);
  bad('answer', ['no/such/model', 'Where is Mary?'], /answer: no story: give it with --story <file\|-> or --story-text/);
  bad('answer', ['no/such/model', '--story', 'no/such/story.txt', 'Where is Mary?'], /answer: no story file no\/such\/story\.txt/);
  bad('answer', ['no/such/model', '--story-text', ' \n ', 'Where is Mary?'], /answer: the story in --story-text is empty: write one sentence per line/);
  bad('answer', ['no/such/model', '--story', '-', 'Where is Mary?'], /answer: the story in standard input is empty/, '\n\n');
  const empty = path.join(dir, 'empty.txt');
  fs.writeFileSync(empty, '\n \n');
  bad('answer', ['no/such/model', '--story', empty, 'Where is Mary?'], new RegExp(`answer: the story in ${empty.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is empty`));
  bad('answer', ['no/such/model', '--story', empty, ...story, 'Where is Mary?'], /answer: give the story once/);
  bad('answer', ['no/such/model', ...story], /answer: nothing to answer: give a question after the story/);
  bad('answer', ['no/such/model', ...story, 'Where is Mary?', ' ? '], /answer: question 2 is empty/);
  bad('answer', ['no/such/model', ...story, 'Where is Mary?', '--story'], /answer: --story needs a value/);
  bad('answer', ['no/such/model', ...story, 'Where is Mary?', '--beam', 'x'], /answer: --beam needs a positive integer, not "x"/);
});

test('train: the new config keys are checked, naming the file and key', () => {
  const base = { dataset: 'reverse', model: { kind: 'luong', cell: 'gru', encoder: 'rnn', embeddingDim: 4, units: 8, seed: 1 }, train: { epochs: 1, batchSize: 8, seed: 1 }, out: 'm' };
  const run = (cfg: object) => {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify(cfg));
    return cli('train', [file]);
  };
  assert.match(run({ ...base, vocab: { maxsize: 5 } }).stderr, /unknown key "vocab.maxsize" \(allowed in "vocab": minFreq, maxSize, source, target\)/);
  assert.match(run({ ...base, sourceTokens: 0 }).stderr, /train: .*c\.json: prepareTask: sourceTokens must be a positive integer, received 0/);
  assert.match(run({ ...base, moreStories: { seed: 1, perKind: 5 } }).stderr, /train: .*c\.json: "moreStories" is for the dataset "stories", not "reverse"/);
  assert.match(run({ ...base, dataset: 'stories', moreStories: { seed: 1, perKind: 0 } }).stderr, /train: .*c\.json: in "moreStories": generateStories: perKind must be an integer from 1 to 1000000, received 0/);
  assert.match(run({ ...base, moreStories: { seed: 1, perkind: 5 } }).stderr, /unknown key "moreStories.perkind" \(allowed in "moreStories": seed, perKind,/);
  assert.match(run({ ...base, lowercase: 'yes' }).stderr, /train: .*c\.json: prepareTask: lowercase must be true or false, received "yes"/);
});
