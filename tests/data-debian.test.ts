// Debian Translation/Packages indices: records, paragraphs, md5s, and every bad input an error naming file
// and line or, with skipBadLines, a skip counted by reason.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DataFileError, descriptionMd5, joinTranslations, readSourcePackages, readTranslationIndex, splitGroups } from '../src';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-debian-'));
let n = 0;
function file(content: string | Buffer): string {
  const f = path.join(dir, `Translation-${n++}`);
  fs.writeFileSync(f, content);
  return f;
}
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function en(pkg: string, synopsis: string, long: string[], md5 = descriptionMd5(synopsis, long)): string {
  return `Package: ${pkg}\nDescription-md5: ${md5}\nDescription-en: ${synopsis}\n${long.map((l) => ` ${l}\n`).join('')}\n`;
}
const GO = en('gnugo', 'complete Go board', ['A board for the game of Go,', 'two players.', '.', 'It shows 5 stones:', '  * black', '  * white']);
const GO_MD5 = descriptionMd5('complete Go board', ['A board for the game of Go,', 'two players.', '.', 'It shows 5 stones:', '  * black', '  * white']);
const FR = `Package: gnugo\nDescription-md5: ${GO_MD5}\nDescription-fr: jeu de go complet\n Un plateau pour le jeu de go,\n deux joueurs.\n .\n Il montre 5 pierres :\n   * noires\n   * blanches\n\n`;

test('English and French records: synopsis, paragraphs (prose or preformatted), md5 checked, line numbers', () => {
  const f = file(GO + en('x', 'trailing space kept for the md5 ', ['one line']));
  const { records, report } = readTranslationIndex(f);
  assert.deepEqual(report, { file: f, records: 2, kept: 2, skipped: {} });
  assert.deepEqual(records[0], {
    package: 'gnugo', md5: GO_MD5, lang: 'en', synopsis: 'complete Go board', line: 1,
    paragraphs: [{ text: 'A board for the game of Go, two players.', verbatim: false }, { text: 'It shows 5 stones: * black * white', verbatim: true }],
  });
  assert.equal(records[1].synopsis, 'trailing space kept for the md5');
  assert.equal(records[1].line, 11);
  const fr = readTranslationIndex(file(FR), { lang: 'fr' });
  const joined = joinTranslations(records, fr);
  assert.equal(joined.pairs.length, 1);
  assert.equal(joined.pairs[0].translation.synopsis, 'jeu de go complet');
  assert.equal(joined.pairs[0].english.package, 'gnugo');
});

/** Asserts the error names file:line, and that skipBadLines counts exactly this reason and keeps the good record. */
function bad(content: string | Buffer, line: number, reason: string, message: RegExp, lang = 'en') {
  const f = file(content);
  assert.throws(() => readTranslationIndex(f, { lang }), (e: unknown) =>
    e instanceof DataFileError && e.file === f && e.line === line && message.test(e.message) && e.message.startsWith(`${f}:${line}: `) && /skipBadLines/.test(e.message));
  const { records, report } = readTranslationIndex(f, { lang, skipBadLines: true });
  assert.deepEqual(report.skipped, { [reason]: 1 }, reason);
  assert.equal(report.kept, records.length);
  assert.equal(report.records, report.kept + 1);
  return records;
}

test('a truncated record: cut in the middle of a line, or ending before its description', () => {
  const cut = GO + 'Package: y\nDescription-md5: 0123456789abcdef0123456789abcdef\nDescription-en: half a syn';
  assert.deepEqual(bad(cut, 13, 'truncated record', /the file ends in the middle of this line/).map((r) => r.package), ['gnugo']);
  bad(GO + 'Package: y\nDescription-md5: 0123456789abcdef0123456789abcdef\n', 11, 'truncated record', /package y ends without a Description-<lang> field/);
  // cut at a line end inside the long description: the English text no longer matches its md5
  const lines = GO.split('\n');
  bad(lines.slice(0, 6).join('\n') + '\n\n' + en('z', 'ok', ['fine']), 3, 'md5 mismatch', /gnugo does not match its Description-md5/);
});

test('a missing or malformed Description-md5', () => {
  bad('Package: y\nDescription-en: no md5\n body\n\n' + GO, 1, 'missing Description-md5', /package y has no Description-md5 field/);
  bad('Package: y\nDescription-md5: xyz\nDescription-en: s\n\n' + GO, 2, 'bad Description-md5', /not 32 lower-case hex digits: "xyz"/);
});

test('a translation whose md5 has no English record names the translation file and line', () => {
  const english = readTranslationIndex(file(GO)).records;
  const orphan = `Package: ghost\nDescription-md5: ffffffffffffffffffffffffffffffff\nDescription-fr: fantôme\n\n`;
  const f = file(orphan + FR);
  const fr = readTranslationIndex(f, { lang: 'fr' });
  assert.throws(() => joinTranslations(english, fr), (e: unknown) =>
    e instanceof DataFileError && e.message.startsWith(`${f}:1: the fr translation for package ghost has Description-md5 ffffffffffffffffffffffffffffffff, which no English record has`));
  const { pairs, report } = joinTranslations(english, fr, { skipBadLines: true });
  assert.deepEqual(pairs.map((p) => p.translation.package), ['gnugo']);
  assert.deepEqual(report, { file: f, records: 2, kept: 1, skipped: { 'no English record': 1 } });
});

test('a stray CR, anywhere in a record, is not turned into a line end', () => {
  bad(GO + 'Package: y\r\nDescription-md5: 0123456789abcdef0123456789abcdef\nDescription-en: s\n\n', 11, 'stray CR', /stray carriage return/);
  bad(GO.replace('two players.', 'two\rplayers.'), 5, 'stray CR', /stray carriage return/);
});

test('invalid UTF-8 names the line; with skipBadLines only its record is skipped', () => {
  const latin1 = Buffer.concat([Buffer.from(GO), Buffer.from('Package: cafe\nDescription-md5: 0123456789abcdef0123456789abcdef\nDescription-en: caf'), Buffer.from([0xe9]), Buffer.from('\n\n'), Buffer.from(en('z', 'ok', ['fine']))]);
  const kept = bad(latin1, 13, 'invalid UTF-8', /invalid UTF-8/);
  assert.deepEqual(kept.map((r) => r.package), ['gnugo', 'z']);
});

test('other malformed input: a line that is no field, a repeated field, the wrong language, an empty synopsis', () => {
  bad('Package: y\nno colon here\n\n' + GO, 2, 'malformed line', /expected "Field: value"/);
  bad('Package: y\nPackage: y\n\n' + GO, 2, 'duplicate field', /field Package appears twice/);
  bad(GO + FR, 13, 'wrong language', /Description-fr in a file of Description-en records/);
  bad('Package: y\nDescription-md5: 0123456789abcdef0123456789abcdef\nDescription-fr: \n body\n\n' + FR, 3, 'empty synopsis', /Description-fr of package y has no synopsis/, 'fr');
});

test('Packages: binary package → source package, version dropped; no Source means its own', () => {
  const f = file('Package: 0ad-data\nSource: 0ad-data (0.0.26-1)\nVersion: 1\n\nPackage: 0ad\nVersion: 2\nDescription: game\n\n');
  assert.deepEqual([...readSourcePackages(f).sources], [['0ad-data', '0ad-data'], ['0ad', '0ad']]);
});

test('splitGroups keeps every group on one side, deterministically, within the asked shares', () => {
  const items = Array.from({ length: 1000 }, (_, i) => ({ i, g: `g${Math.floor(Math.sqrt(i * 7) % 97)}` }));
  const a = splitGroups(items, (x) => x.g, { seed: 3, valid: 0.1, test: 0.2 });
  const b = splitGroups(items, (x) => x.g, { seed: 3, valid: 0.1, test: 0.2 });
  assert.deepEqual(a, b);
  assert.equal(a.train.length + a.valid.length + a.test.length, items.length);
  const side = new Map<string, string>();
  for (const part of ['train', 'valid', 'test'] as const) {
    for (const x of a[part]) {
      assert.equal(side.get(x.g) ?? part, part, `group ${x.g} straddles ${side.get(x.g)} and ${part}`);
      side.set(x.g, part);
    }
  }
  assert.ok(a.test.length <= 200 && a.test.length > 150, `${a.test.length}`);
  assert.ok(a.valid.length <= 100 && a.valid.length > 60, `${a.valid.length}`);
  assert.throws(() => splitGroups(items, (x) => x.g, { seed: 1, valid: 0.5, test: 0.5 }), /leave something to train on/);
});
