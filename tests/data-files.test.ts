// Reading corpora: every kind of bad input is an error naming file and line, or a counted skip.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { test } from 'node:test';
import { DataFileError, parseDelimited, readAnkiPairs, readSplitTsv, readTablePairs, readUtf8, type Pair } from '../src';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-data-'));
let n = 0;
function file(content: string | Buffer, ext = '.txt'): string {
  const f = path.join(dir, `f${n++}${ext}`);
  fs.writeFileSync(f, content);
  return f;
}
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

test('Anki format: source, target and optional attribution; BOM and CRLF handled', () => {
  const f = file('\ufeffGo.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\r\nHi.\tSalut.\r\n');
  const { pairs, report } = readAnkiPairs(f);
  assert.deepEqual(pairs, [{ source: 'Go.', target: 'Va !', line: 1 }, { source: 'Hi.', target: 'Salut.', line: 2 }]);
  assert.deepEqual(report, { file: f, records: 2, kept: 2, skipped: {} });
});

test('a missing file and a directory are named errors', () => {
  assert.throws(() => readAnkiPairs(path.join(dir, 'nope.txt')), (e: unknown) => e instanceof DataFileError && /nope\.txt: no such file/.test(e.message));
  assert.throws(() => readAnkiPairs(dir), /is a directory, not a data file/);
});

test('invalid UTF-8 names the line', () => {
  const f = file(Buffer.concat([Buffer.from('a\tb\nc\td\n'), Buffer.from([0x65, 0x09, 0xe9, 0x74, 0xe9, 0x0a]), Buffer.from('x\ty\n')]));
  assert.throws(() => readAnkiPairs(f), new RegExp(`${path.basename(f)}:3: invalid UTF-8`));
});

test('multi-byte UTF-8 across 64 KiB chunk edges is decoded intact (danfo readCSV corrupts it)', () => {
  const line = 'naïve café 日本語 😀\tnaïf café 日本語 😀\n';
  const text = line.repeat(Math.ceil(200_000 / Buffer.byteLength(line)));
  const { pairs } = readAnkiPairs(file(text));
  assert.ok(Buffer.byteLength(text) > 3 * 65536);
  assert.ok(pairs.every((p) => p.source === 'naïve café 日本語 😀' && p.target === 'naïf café 日本語 😀'));
});

const bad = 'a\tb\n\nc\n\td\ne\tf\tg\th\n' + 'x'.repeat(50) + '\ty\nok\tfine\n';
// line 2 blank, line 3 one column, line 4 empty source, line 5 four columns, line 6 too long (with maxLineLength 40)

test('bad lines throw with file:line and the reason, by default', () => {
  const f = file(bad);
  assert.throws(() => readAnkiPairs(f), new RegExp(`${path.basename(f)}:2: blank line \\(pass \\{ skipBadLines: true \\}`));
  assert.throws(() => readAnkiPairs(file('a\tb\nc\n')), /:2: expected 2 or 3 tab-separated columns \(source, target, attribution\), found 1/);
  assert.throws(() => readAnkiPairs(file('\td\n')), /:1: empty source field/);
  assert.throws(() => readAnkiPairs(file('x'.repeat(50) + '\ty\n'), { maxLineLength: 40 }), /:1: line of 52 characters exceeds maxLineLength 40/);
});

test('with skipBadLines every skip is counted by reason and nothing else is lost', () => {
  const { pairs, report } = readAnkiPairs(file(bad), { skipBadLines: true, maxLineLength: 40 });
  assert.deepEqual(pairs.map((p) => p.line), [1, 7]);
  assert.deepEqual(report.skipped, { 'blank line': 1, 'wrong column count': 2, 'empty field': 1, 'line too long': 1 });
  assert.equal(report.records, 7);
  assert.equal(report.kept + Object.values(report.skipped).reduce((a, b) => a + b, 0), report.records);
});

test('CSV with named columns: quotes, doubled quotes, delimiters and newlines inside quotes', () => {
  const f = file('id,en,fr\n1,"Hello, world","Bonjour, le monde"\n2,"Say ""hi""","Dis « salut »"\n3,"two\nlines",deux\n', '.csv');
  const { pairs } = readTablePairs(f, { source: 'en', target: 'fr' });
  assert.deepEqual(pairs.map((p) => [p.source, p.target, p.line]), [['Hello, world', 'Bonjour, le monde', 2], ['Say "hi"', 'Dis « salut »', 3], ['two\nlines', 'deux', 4]]);
  const tsv = file('en\tzh\nthree days\t三天\n', '.tsv');
  assert.deepEqual(readTablePairs(tsv, { source: 'en', target: 'zh' }).pairs[0], { source: 'three days', target: '三天', line: 2 });
});

test('CSV errors: unknown column (listing the columns), wrong field count, unterminated quote', () => {
  const f = file('en,fr\na,b\nc,d,e\n', '.csv');
  assert.throws(() => readTablePairs(f, { source: 'en', target: 'de' }), /:1: no column "de" in the header; columns are: "en", "fr"/);
  assert.throws(() => readTablePairs(f, { source: 'en', target: 'fr' }), /:3: expected 2 columns as in the header, found 3/);
  assert.deepEqual(readTablePairs(f, { source: 'en', target: 'fr', skipBadLines: true }).report.skipped, { 'wrong column count': 1 });
  assert.throws(() => parseDelimited('a,b\n"c,d\n', ',', 'x.csv'), /x\.csv:2: unterminated quoted field/);
  assert.throws(() => readTablePairs(file('', '.csv'), { source: 'a', target: 'b' }), /empty file: expected a header row/);
});

test('readUtf8 turns CR and CRLF into LF and drops a BOM', () => {
  assert.equal(readUtf8(file('\ufeffa\r\nb\rc\n')), 'a\nb\nc\n');
});

test('CSV line numbers are physical lines: a quoted field spanning lines moves the records after it', () => {
  const f = file('en,fr\n"one\ntwo\nthree",un\nb,c\n"x\ny",z,extra\nd,e\n', '.csv');
  assert.throws(() => readTablePairs(f, { source: 'en', target: 'fr' }), new RegExp(`${path.basename(f)}:6: expected 2 columns as in the header, found 3`));
  const { pairs, report } = readTablePairs(f, { source: 'en', target: 'fr', skipBadLines: true });
  assert.deepEqual(pairs.map((p) => [p.source, p.line]), [['one\ntwo\nthree', 2], ['b', 5], ['d', 8]]);
  assert.deepEqual(report, { file: f, records: 4, kept: 3, skipped: { 'wrong column count': 1 } });
  const long = file(`en,fr\na,b\n"${'x'.repeat(20)}\n${'y'.repeat(20)}",c\n`, '.csv');
  assert.throws(() => readTablePairs(long, { source: 'en', target: 'fr', maxLineLength: 40 }), /:3: record of 45 characters exceeds maxLineLength 40/);
  const unclosed = file('en,fr\na,b\nc,"d\ne\nf,g\n', '.csv');
  assert.throws(() => readTablePairs(unclosed, { source: 'en', target: 'fr', skipBadLines: true }), new RegExp(`${path.basename(unclosed)}:3: unterminated quoted field`));
});

test('CSV bad quotes: an error naming file:line; a stray quote in an unquoted field is a counted skip', () => {
  const closing = file('en,fr\na,b\n"c"x,d\ne,f\n', '.csv');
  for (const skipBadLines of [false, true]) {
    assert.throws(() => readTablePairs(closing, { source: 'en', target: 'fr', skipBadLines }), (e: unknown) =>
      e instanceof DataFileError && e.line === 3 && e.message.startsWith(`${closing}:3: text after the closing quote of a quoted field (field 1)`));
  }
  const stray = file('en,fr\na,b\nsay "hi" twice "",dis\ne,f\n', '.csv');
  assert.throws(() => readTablePairs(stray, { source: 'en', target: 'fr' }), new RegExp(`${path.basename(stray)}:3: quote inside an unquoted field \\(field 1\\).*\\(pass \\{ skipBadLines: true \\}`));
  const { pairs, report } = readTablePairs(stray, { source: 'en', target: 'fr', skipBadLines: true });
  assert.deepEqual(pairs.map((p) => [p.source, p.line]), [['a', 2], ['e', 4]]);
  assert.deepEqual(report, { file: stray, records: 3, kept: 2, skipped: { 'bad quote': 1 } });
  assert.throws(() => readTablePairs(file('en,f"r\na,b\n', '.csv'), { source: 'en', target: 'fr', skipBadLines: true }), /:1: header: quote inside an unquoted field \(field 2\)/);
  assert.throws(() => parseDelimited('a', '"'), /delimiter "\\"": expected one character other than a quote or a newline/);
});

test('CSV files are read strictly too: invalid UTF-8 names the line; BOM and CRLF (also inside quotes) handled', () => {
  const latin1 = file(Buffer.concat([Buffer.from('en,fr\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x78, 0x0a])]), '.csv');
  assert.throws(() => readTablePairs(latin1, { source: 'en', target: 'fr' }), new RegExp(`${path.basename(latin1)}:2: invalid UTF-8`));
  const { pairs } = readTablePairs(file('\ufeffen,fr\r\n"a\r\nb",c\r\nd,e\r\n', '.csv'), { source: 'en', target: 'fr' });
  assert.deepEqual(pairs.map((p) => [p.source, p.target, p.line]), [['a\nb', 'c', 2], ['d', 'e', 4]]);
});

test('readSplitTsv: a stored split read by rows, kinds kept or checked, every fault an error naming file and line', () => {
  type KindPair = Pair & { kind: string };
  const header = ['split', 'kind', 'source', 'target'];
  // the caller's own check: a target must not be "?"
  const row = (cells: string[], line: number, bad: (m: string) => DataFileError): KindPair => {
    if (cells[3] === '?') throw bad('target "?" is no answer');
    return { source: cells[2], target: cells[3], kind: cells[1], line };
  };
  const head = 'split\tkind\tsource\ttarget\n';
  const good = head + 'train\ta\tx1\ty1\ntest\tb\tx2\ty2\nvalid\ta\tx3\ty3\ntrain\tb\tx4\ty4\n';
  const f = file(zlib.gzipSync(good), '.tsv.gz');
  const all = readSplitTsv(f, header, row, { dataset: 'toy' });
  assert.deepEqual(all.train.map((p) => [p.source, p.line]), [['x1', 2], ['x4', 5]]);
  assert.deepEqual(all.valid.map((p) => [p.source, p.line]), [['x3', 4]]);
  assert.deepEqual(all.test.map((p) => [p.source, p.target, p.kind, p.line]), [['x2', 'y2', 'b', 3]]);
  assert.deepEqual(all.pairs.map((p) => p.line), [2, 3, 4, 5]);
  assert.deepEqual(all.report, { file: f, records: 4, kept: 4, skipped: {} });
  const a = readSplitTsv(f, header, row, { kind: 'a', dataset: 'toy' });
  assert.deepEqual([a.pairs.map((p) => p.source), a.train.length, a.valid.length, a.test.length], [['x1', 'x3'], 1, 1, 0]);
  assert.deepEqual(a.report, { file: f, records: 4, kept: 2, skipped: {} });
  assert.throws(() => readSplitTsv(f, header, row, { kind: 'c', dataset: 'toy' }), /^Error: loadDataset: "toy" has no pairs of kind "c"; its kinds are a, b$/);

  const fails = (text: string, line: number, message: RegExp, kind?: string) => {
    const g = file(text, '.tsv');
    assert.throws(() => readSplitTsv(g, header, row, { kind, dataset: 'toy' }), (e: unknown) =>
      e instanceof DataFileError && e.file === g && e.line === line && e.message.startsWith(`${g}:${line}: `) && message.test(e.message), text);
  };
  fails('split\tkind\tsource\n', 1, /expected the header "split\\tkind\\tsource\\ttarget", found "split\\tkind\\tsource"$/);
  fails('', 1, /expected the header .*, found ""$/);
  fails(head + 'train\ta\tx1\ty1\ntrain\ta\tx2\n', 3, /expected 4 tab-separated columns, found 3$/);
  fails(head + 'train\ta\tx1\ty1\textra\n', 2, /expected 4 tab-separated columns, found 5$/);
  fails(head + 'train\ta\tx1\ty1\ntrain\ta\t \ty2\n', 3, /empty source cell$/);
  fails(head + 'train\t\tx1\ty1\n', 2, /empty kind cell$/);
  fails(head + 'train\ta\tx1\ty1\nexam\ta\tx2\ty2\n', 3, /split must be train, valid or test, not "exam"$/);
  fails(head + 'train\ta\tx1\t?\n', 2, /target "\?" is no answer$/);
  // rows of another kind than the one kept are still checked
  fails(head + 'train\ta\tx1\ty1\ntrain\tb\tx2\t?\n', 3, /target "\?" is no answer$/, 'a');
  assert.throws(() => readSplitTsv(f, ['kind', 'split'], row, { dataset: 'toy' }), /readSplitTsv: the first column must be "split", not "kind"/);
});
