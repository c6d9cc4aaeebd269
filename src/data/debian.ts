// Debian archive indices: the Translation-<lang> files (English descriptions in Translation-en, the DDTP's
// human translations in Translation-fr, -de, -zh_CN, ...) and the Packages file (binary package → source).
// Both are RFC 822-style stanzas separated by blank lines:
//
//   Package: 0ad
//   Description-md5: d943033bedada21853d2ae54a2578a7b
//   Description-en: Real-time strategy game of ancient warfare        <- the synopsis
//    0 A.D. (pronounced "zero ey-dee") is a free, open-source, ...     <- the long description, one space in
//    .                                                                 <- a paragraph break
//     * a line with two or more spaces is shown verbatim (lists, code)
//
// Description-md5 is the MD5 of the English description as in the package's control file (the synopsis, a
// newline, the continuation lines, a newline); translations carry the md5 of the English text they translate.
// Every bad record is an error naming the file and line, or with skipBadLines a skip counted by reason:
// a truncated record, a missing or malformed field, a stray CR, invalid UTF-8, an English text that does
// not match its md5, and (joinTranslations) a translation whose md5 has no English record.
import { createHash } from 'node:crypto';
import type { LoadReport, ReadOptions } from './corpus';
import { DataFileError, readUtf8 } from './text-file';

export interface DescriptionParagraph {
  /** The paragraph's lines without their leading space, joined with single spaces. */
  text: string;
  /** A line of it starts with two or more spaces: preformatted (a list, code, a table), not running prose. */
  verbatim: boolean;
}

export interface DescriptionRecord {
  package: string;
  md5: string;
  /** The language of the Description-<lang> field: en, fr, de, zh_CN, ... */
  lang: string;
  synopsis: string;
  /** The long description split at its ` .` lines (empty when there is none). */
  paragraphs: DescriptionParagraph[];
  /** 1-based line where the record starts. */
  line: number;
}

export interface DebianIndex {
  records: DescriptionRecord[];
  report: LoadReport;
}

export interface DebianReadOptions extends ReadOptions {
  /** The language every record's Description-<lang> field must have (default: whatever the first record has). */
  lang?: string;
  /** Check each English description against its Description-md5 (default true; only English text can be checked). */
  checkMd5?: boolean;
}

/** One stanza's fields: name → value (first line) and continuation lines (without their leading space). */
interface Field {
  value: string;
  rest: string[];
  line: number;
}

interface Stanza {
  line: number;
  fields: Map<string, Field>;
}

const SKIP_HINT = '(pass { skipBadLines: true } to skip and count such records)';

class Records {
  readonly report: LoadReport;
  constructor(readonly file: string, readonly opts: ReadOptions) {
    this.report = { file, records: 0, kept: 0, skipped: {} };
  }
  bad(line: number, reason: string, detail: string): void {
    if (!this.opts.skipBadLines) throw new DataFileError(this.file, line, `${detail} ${SKIP_HINT}`);
    this.report.skipped[reason] = (this.report.skipped[reason] ?? 0) + 1;
  }
}

/**
 * Reads an index file (plain, or .gz) strictly and yields its well-formed stanzas; a stanza with invalid
 * UTF-8, a CR, an over-long line, a line that is neither `Field: value` nor a continuation, or a repeated
 * field is reported through `c.bad` once and not yielded. A file that does not end with a newline ends in a
 * truncated record.
 */
function stanzas(file: string, c: Records): Stanza[] {
  const invalid = new Set<number>();
  const text = readUtf8(file, { keepCarriageReturns: true, onInvalidLine: (l) => invalid.add(l) });
  const max = c.opts.maxLineLength ?? 10_000;
  const lines = text.split('\n');
  const complete = text === '' || text.endsWith('\n');
  if (complete) lines.pop();
  const out: Stanza[] = [];
  let start = -1;
  const finish = (end: number) => {
    // lines[start..end) form one stanza
    if (start < 0) return;
    const first = start + 1;
    start = -1;
    c.report.records++;
    const fields = new Map<string, Field>();
    let last: Field | undefined;
    for (let i = first - 1; i < end; i++) {
      const line = i + 1;
      const s = lines[i];
      if (invalid.has(line)) return c.bad(line, 'invalid UTF-8', 'invalid UTF-8');
      if (s.includes('\r')) return c.bad(line, 'stray CR', 'stray carriage return (CR) in the line: Debian indices use LF line ends only');
      if (s.length > max) return c.bad(line, 'line too long', `line of ${s.length} characters exceeds maxLineLength ${max}`);
      if (!complete && end === lines.length && i === end - 1) {
        return c.bad(line, 'truncated record', 'the file ends in the middle of this line (no final newline): the record is truncated');
      }
      if (s[0] === ' ' || s[0] === '\t') {
        if (!last) return c.bad(line, 'malformed line', 'a continuation line (starting with a space) before any field');
        last.rest.push(s.slice(1));
        continue;
      }
      const m = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/.exec(s);
      if (!m) return c.bad(line, 'malformed line', `expected "Field: value" or a continuation line starting with a space, found ${JSON.stringify(s.slice(0, 60))}`);
      if (fields.has(m[1])) return c.bad(line, 'duplicate field', `field ${m[1]} appears twice in the record that starts on line ${first}`);
      last = { value: m[2], rest: [], line };
      fields.set(m[1], last);
    }
    out.push({ line: first, fields });
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') finish(i);
    else if (start < 0) start = i;
  }
  finish(lines.length);
  return out;
}

/** The long description's paragraphs, from its continuation lines (` .` separates paragraphs). */
export function descriptionParagraphs(rest: readonly string[]): DescriptionParagraph[] {
  const out: DescriptionParagraph[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    out.push({ text: lines.map((l) => l.trim()).filter((l) => l !== '').join(' ').replace(/\s+/g, ' '), verbatim: lines.some((l) => /^\s/.test(l)) });
    lines = [];
  };
  for (const l of rest) {
    if (l.trim() === '.') flush();
    else lines.push(l);
  }
  flush();
  return out.filter((p) => p.text !== '');
}

/** The MD5 that Debian writes as Description-md5 for an English description (synopsis and continuation lines). */
export function descriptionMd5(synopsis: string, rest: readonly string[]): string {
  return createHash('md5').update([synopsis, ...rest.map((l) => ` ${l}`)].join('\n') + '\n').digest('hex');
}

/**
 * Reads a Translation-<lang> index (Translation-en holds the English descriptions; the others the DDTP's
 * translations). Each record needs Package, a 32-hex-digit Description-md5 and one Description-<lang> with a
 * synopsis; English records must match their md5 (a record cut short does not).
 */
export function readTranslationIndex(file: string, opts: DebianReadOptions = {}): DebianIndex {
  const c = new Records(file, opts);
  const records: DescriptionRecord[] = [];
  let lang = opts.lang;
  for (const st of stanzas(file, c)) {
    const pkg = st.fields.get('Package');
    if (!pkg || pkg.value.trim() === '') {
      c.bad(st.line, 'missing Package', 'record has no Package field');
      continue;
    }
    const md5 = st.fields.get('Description-md5');
    if (!md5) {
      c.bad(st.line, 'missing Description-md5', `record of package ${pkg.value} has no Description-md5 field`);
      continue;
    }
    if (!/^[0-9a-f]{32}$/.test(md5.value.trim())) {
      c.bad(md5.line, 'bad Description-md5', `Description-md5 of package ${pkg.value} is not 32 lower-case hex digits: ${JSON.stringify(md5.value)}`);
      continue;
    }
    const descs = [...st.fields.keys()].filter((k) => /^Description-(?!md5$)/.test(k));
    if (descs.length === 0) {
      c.bad(st.line, 'truncated record', `record of package ${pkg.value} ends without a Description-<lang> field (a truncated record?)`);
      continue;
    }
    if (descs.length > 1) {
      c.bad(st.fields.get(descs[1])!.line, 'duplicate field', `record of package ${pkg.value} has ${descs.join(' and ')}`);
      continue;
    }
    const desc = st.fields.get(descs[0])!;
    const recordLang = descs[0].slice('Description-'.length);
    lang ??= recordLang;
    if (recordLang !== lang) {
      c.bad(desc.line, 'wrong language', `${descs[0]} in a file of Description-${lang} records`);
      continue;
    }
    if (desc.value.trim() === '') {
      c.bad(desc.line, 'empty synopsis', `${descs[0]} of package ${pkg.value} has no synopsis`);
      continue;
    }
    if (recordLang === 'en' && opts.checkMd5 !== false && descriptionMd5(desc.value, desc.rest) !== md5.value.trim()) {
      c.bad(desc.line, 'md5 mismatch', `the English description of package ${pkg.value} does not match its Description-md5 ${md5.value} (truncated or edited?)`);
      continue;
    }
    records.push({ package: pkg.value.trim(), md5: md5.value.trim(), lang: recordLang, synopsis: desc.value.trim().replace(/\s+/g, ' '), paragraphs: descriptionParagraphs(desc.rest), line: st.line });
    c.report.kept++;
  }
  return { records, report: c.report };
}

export interface TranslationPair {
  english: DescriptionRecord;
  translation: DescriptionRecord;
}

/**
 * Pairs each translation with the English record of the same Description-md5. A translation whose md5 has no
 * English record is an error naming the translation file and line, or with skipBadLines a counted skip.
 */
export function joinTranslations(english: readonly DescriptionRecord[], translations: DebianIndex, opts: ReadOptions = {}): { pairs: TranslationPair[]; report: LoadReport } {
  const c = new Records(translations.report.file, opts);
  const byMd5 = new Map<string, DescriptionRecord>();
  for (const r of english) if (!byMd5.has(r.md5)) byMd5.set(r.md5, r);
  const pairs: TranslationPair[] = [];
  for (const t of translations.records) {
    c.report.records++;
    const e = byMd5.get(t.md5);
    if (!e) {
      c.bad(t.line, 'no English record', `the ${t.lang} translation for package ${t.package} has Description-md5 ${t.md5}, which no English record has`);
      continue;
    }
    pairs.push({ english: e, translation: t });
    c.report.kept++;
  }
  return { pairs, report: c.report };
}

/**
 * Reads a Packages index into binary package → source package. `Source: name (version)` gives the source
 * (version dropped); a package without Source is its own source, as Debian policy says.
 */
export function readSourcePackages(file: string, opts: ReadOptions = {}): { sources: Map<string, string>; report: LoadReport } {
  const c = new Records(file, opts);
  const sources = new Map<string, string>();
  for (const st of stanzas(file, c)) {
    const pkg = st.fields.get('Package');
    if (!pkg || pkg.value.trim() === '') {
      c.bad(st.line, 'missing Package', 'record has no Package field');
      continue;
    }
    const src = st.fields.get('Source')?.value.trim().split(/\s+/)[0];
    sources.set(pkg.value.trim(), src || pkg.value.trim());
    c.report.kept++;
  }
  return { sources, report: c.report };
}
