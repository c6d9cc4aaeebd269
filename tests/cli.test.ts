// npm run train / npm run translate: clear errors for a missing model or config, empty input, unknown tokens.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { bpeTokenizer, charTokenizer, saveModel, Seq2Seq, Vocabulary, type BpeTokenizerSpec } from '../src';

const ROOT = path.resolve(__dirname, '..', '..');
const cli = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'build', 'scripts', `${script}.js`), ...args], { encoding: 'utf8', cwd: ROOT });

test('translate: usage, missing model, empty input', () => {
  assert.match(cli('translate').stderr, /usage: npm run translate -- <model folder> "text"/);
  const missing = cli('translate', 'no/such/model', 'hello');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /translate: loadModel: no model at no\/such\/model .*train one with npm run train/);
  assert.match(cli('translate', 'no/such/model').stderr, /nothing to translate/);
  assert.match(cli('translate', 'no/such/model', '  ').stderr, /input 1 is empty/);
  assert.match(cli('translate', 'x', 'y', '--beam', '0').stderr, /--beam needs a positive integer/);
});

test('translate: a saved model answers, and unknown source tokens are reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-cli-'));
  try {
    const src = Vocabulary.build([Array.from('abc')]);
    const tgt = Vocabulary.build([Array.from('xyz')]);
    const model = new Seq2Seq({ kind: 'luong', cell: 'gru', encoder: 'rnn', sourceVocabSize: src.size, targetVocabSize: tgt.size, embeddingDim: 4, units: 8, seed: 1 });
    await saveModel(dir, { model, sourceVocab: src, targetVocab: tgt, sourceTokenizer: charTokenizer(), targetTokenizer: charTokenizer() });
    model.dispose();
    const r = cli('translate', dir, 'abc', 'abq', '--beam', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 2);
    assert.match(r.stdout, /^abc\t/m);
    assert.match(r.stderr, /input 2: 1 token\(s\) not in the model's vocabulary, read as <unk>: "q"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('train: usage, missing or invalid config', () => {
  assert.match(cli('train').stderr, /usage: npm run train -- <config.json>/);
  assert.match(cli('train', 'nope.json').stderr, /no config file nope\.json/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-cfg-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"dataset": "klingon"}');
    assert.match(cli('train', path.join(dir, 'bad.json')).stderr, /"dataset" must be one of dates, phrases-fr, phrases-zh, reverse/);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{');
    assert.match(cli('train', path.join(dir, 'broken.json')).stderr, /is not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('train a BPE model from a config, then translate: the saved merges split the input, the output is joined back', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-bpe-'));
  try {
    const config = {
      dataset: 'debian-en-fr',
      kind: 'synopsis',
      tokenizer: { type: 'bpe', merges: 300 },
      model: { kind: 'bahdanau', cell: 'gru', encoder: 'rnn', embeddingDim: 8, units: 8, seed: 1 },
      train: { epochs: 1, batchSize: 64, seed: 1, maxBatchesPerEpoch: 2 },
      out: 'model',
    };
    fs.writeFileSync(path.join(dir, 'bpe.json'), JSON.stringify(config));
    const t = cli('train', path.join(dir, 'bpe.json'));
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /BPE: 300 merges learned on the training split \(joint\)/);
    assert.match(t.stdout, /debian-en-fr \(synopsis\): 15257 train/);
    const saved = (JSON.parse(fs.readFileSync(path.join(dir, 'model', 'model.json'), 'utf8')) as { modelTopology: { sourceTokenizer: BpeTokenizerSpec; targetTokenizer: BpeTokenizerSpec } }).modelTopology;
    assert.equal(saved.sourceTokenizer.type, 'bpe');
    assert.equal(saved.sourceTokenizer.merges.length, 300);
    assert.equal(saved.targetTokenizer.locale, 'fr');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'model', 'report.json'), 'utf8')) as { tokenizer: unknown; testBleu: number };
    assert.deepEqual(report.tokenizer, config.tokenizer);

    const text = 'documentation for the GNOME keyring library';
    const r = cli('translate', path.join(dir, 'model'), text, '--tokens');
    assert.equal(r.status, 0, r.stderr);
    const [source, output, sourcePieces, outputPieces] = r.stdout.trim().split('\n')[0].split('\t');
    assert.equal(source, text);
    // on the way in: the model's own merges, so a word can be several pieces, '▁' on each word's first
    const expected = bpeTokenizer(saved.sourceTokenizer).tokenize(text);
    assert.equal(sourcePieces, expected.join(' '));
    assert.ok(expected.length > text.split(' ').length, `some word is split into subwords: ${expected.join(' ')}`);
    // on the way out: the pieces joined back into words (no '▁' left)
    assert.ok(outputPieces.split(' ').some((p) => p.startsWith('▁')), outputPieces);
    assert.equal(output, bpeTokenizer(saved.targetTokenizer).detokenize(outputPieces.split(' ')));
    assert.ok(!output.includes('▁'), output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('train: a config with an unknown key or an out-of-range value is refused, naming the key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-cli-cfg-'));
  try {
    const base = { dataset: 'reverse', model: { kind: 'luong', cell: 'gru', encoder: 'rnn', embeddingDim: 4, units: 8, seed: 1 }, train: { epochs: 1, batchSize: 8, seed: 1 }, out: 'm' };
    const run = (cfg: object) => {
      const file = path.join(dir, 'c.json');
      fs.writeFileSync(file, JSON.stringify(cfg));
      return cli('train', file);
    };
    const unknown = run({ ...base, train: { ...base.train, learningrate: 0.1 } });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown key "train.learningrate" \(allowed in "train": epochs, .*learningRate/);
    assert.match(run({ ...base, extra: 1 }).stderr, /unknown key "extra"/);
    assert.match(run({ ...base, train: { ...base.train, learningRates: { output: -1 } } }).stderr, /in "train": learningRates.output must be a number ≥ 0, not -1/);
    assert.match(run({ ...base, train: { ...base.train, freeze: ['decoder'] } }).stderr, /in "train": freeze names an unknown model part "decoder"/);
    assert.match(run({ ...base, train: { ...base.train, anchor: { weight: -1 } } }).stderr, /in "train": anchor.weight must be a number ≥ 0, not -1/);
    assert.match(run({ ...base, train: { ...base.train, anchor: { weigth: 1 } } }).stderr, /in "train": anchor has an unknown key "weigth" \(allowed: weight\)/);
    assert.match(run({ ...base, init: 'no/such/model' }).stderr, /"init" must name a model folder \(with model.json\), not "no\/such\/model"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
