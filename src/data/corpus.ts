// Parallel corpora from files: the Anki/Tatoeba format (`source<TAB>target<TAB>attribution`, no
// header: the fra.txt of many seq2seq tutorials) and CSV/TSV tables with named columns.
// Every rejected line is either an error naming the file and line, or (skipBadLines) a counted skip.
import * as path from 'node:path';
import { DataFileError, readUtf8, splitLines } from './text-file';

export interface Pair {
  source: string;
  target: string;
  /** 1-based line in the file where the record starts. */
  line: number;
}

export interface LoadReport {
  file: string;
  /** Records read (lines for Anki files, data rows for tables). */
  records: number;
  kept: number;
  /** Skipped records by reason (only with skipBadLines). */
  skipped: Record<string, number>;
}

export interface ReadOptions {
  /** Skip bad records and count them in the report, instead of throwing on the first. */
  skipBadLines?: boolean;
  /** Longest acceptable line, in characters (default 10 000). */
  maxLineLength?: number;
}

export interface Loaded {
  pairs: Pair[];
  report: LoadReport;
}

class Collector {
  readonly pairs: Pair[] = [];
  readonly report: LoadReport;
  constructor(readonly file: string, readonly opts: ReadOptions) {
    this.report = { file, records: 0, kept: 0, skipped: {} };
  }
  bad(line: number, reason: string, detail: string): void {
    if (!this.opts.skipBadLines) throw new DataFileError(this.file, line, `${detail} (pass { skipBadLines: true } to skip and count such lines)`);
    this.report.skipped[reason] = (this.report.skipped[reason] ?? 0) + 1;
  }
  add(source: string, target: string, line: number): void {
    if (source.trim() === '' || target.trim() === '') {
      this.bad(line, 'empty field', `empty ${source.trim() === '' ? 'source' : 'target'} field`);
      return;
    }
    this.pairs.push({ source: source.trim(), target: target.trim(), line });
    this.report.kept++;
  }
}

/** Reads `source<TAB>target[<TAB>attribution]` lines (Anki / Tatoeba / manythings.org files). */
export function readAnkiPairs(file: string, opts: ReadOptions = {}): Loaded {
  const c = new Collector(file, opts);
  const max = opts.maxLineLength ?? 10_000;
  splitLines(readUtf8(file)).forEach((text, i) => {
    const line = i + 1;
    c.report.records++;
    if (text.length > max) return c.bad(line, 'line too long', `line of ${text.length} characters exceeds maxLineLength ${max}`);
    if (text.trim() === '') return c.bad(line, 'blank line', 'blank line');
    const cols = text.split('\t');
    if (cols.length < 2 || cols.length > 3) {
      return c.bad(line, 'wrong column count', `expected 2 or 3 tab-separated columns (source, target, attribution), found ${cols.length}`);
    }
    c.add(cols[0], cols[1], line);
  });
  return { pairs: c.pairs, report: c.report };
}

export interface TableOptions extends ReadOptions {
  /** Header names of the source and target columns. */
  source: string;
  target: string;
  /** Field separator; default from the extension (.tsv/.tab: tab, otherwise comma). */
  delimiter?: string;
}

/** Reads a CSV/TSV file with a header row (RFC 4180 quoting: "a, b", "say ""hi""", newlines in quotes). */
export function readTablePairs(file: string, opts: TableOptions): Loaded {
  const c = new Collector(file, opts);
  const delimiter = opts.delimiter ?? (/\.(tsv|tab)$/i.test(path.extname(file)) ? '\t' : ',');
  const max = opts.maxLineLength ?? 10_000;
  const rows = parseDelimited(readUtf8(file), delimiter, file);
  if (rows.length === 0) throw new DataFileError(file, 1, 'empty file: expected a header row');
  const header = rows[0].fields.map((h) => h.trim());
  const si = header.indexOf(opts.source);
  const ti = header.indexOf(opts.target);
  for (const [name, i] of [[opts.source, si], [opts.target, ti]] as const) {
    if (i < 0) throw new DataFileError(file, 1, `no column "${name}" in the header; columns are: ${header.map((h) => `"${h}"`).join(', ')}`);
  }
  for (const row of rows.slice(1)) {
    c.report.records++;
    if (row.length > max) {
      c.bad(row.line, 'line too long', `record of ${row.length} characters exceeds maxLineLength ${max}`);
    } else if (row.fields.length === 1 && row.fields[0].trim() === '') {
      c.bad(row.line, 'blank line', 'blank line');
    } else if (row.fields.length !== header.length) {
      c.bad(row.line, 'wrong column count', `expected ${header.length} columns as in the header, found ${row.fields.length}`);
    } else {
      c.add(row.fields[si], row.fields[ti], row.line);
    }
  }
  return { pairs: c.pairs, report: c.report };
}

interface Row {
  fields: string[];
  line: number;
  /** characters in the record */
  length: number;
}

/** Splits delimited text into records and fields, honouring double quotes. */
export function parseDelimited(text: string, delimiter: string, file = '<text>'): Row[] {
  const rows: Row[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let rowStart = 0;
  let quoted = false;
  let i = 0;
  const endRow = (end: number) => {
    fields.push(field);
    rows.push({ fields, line: rowLine, length: end - rowStart });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n') {
      endRow(i);
      line++;
      rowLine = line;
      rowStart = i + 1;
    } else field += ch;
    i++;
  }
  if (quoted) throw new DataFileError(file, rowLine, 'unterminated quoted field');
  if (field !== '' || fields.length > 0) endRow(text.length);
  return rows;
}
