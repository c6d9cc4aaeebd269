// Parallel corpora from files: the Anki/Tatoeba format (`source<TAB>target<TAB>attribution`, no
// header: the fra.txt of many seq2seq tutorials) and CSV/TSV tables with named columns.
// Every rejected line is either an error naming the file and line, or (skipBadLines) a counted skip.
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Splits } from './split';
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
  if (rows[0].badQuote) throw new DataFileError(file, rows[0].line, `header: ${rows[0].badQuote}`);
  const header = rows[0].fields.map((h) => h.trim());
  const si = header.indexOf(opts.source);
  const ti = header.indexOf(opts.target);
  for (const [name, i] of [[opts.source, si], [opts.target, ti]] as const) {
    if (i < 0) throw new DataFileError(file, 1, `no column "${name}" in the header; columns are: ${header.map((h) => `"${h}"`).join(', ')}`);
  }
  for (const row of rows.slice(1)) {
    c.report.records++;
    if (row.badQuote) {
      c.bad(row.line, 'bad quote', row.badQuote);
    } else if (row.length > max) {
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

/** The split names a file with a stored split may use (its first column, `split`). */
const SPLIT_NAMES = ['train', 'valid', 'test'] as const;

export interface SplitTsvOptions {
  /** Keep only the pairs of this kind (every row is still checked); an error if the file has no pair of it. */
  kind?: string;
  /** The dataset's name, for that error: `loadDataset: "<dataset>" has no pairs of kind ...`. */
  dataset: string;
}

/**
 * Reads a generated TSV file with its split stored in it (the bundled Debian datasets and stories; gunzipped if
 * the name ends in .gz; no quoting). The first line must be `header` joined by tabs, with header[0] 'split'; every
 * other line must have header.length cells, none empty or blank, the first train, valid or test. `row` makes the
 * pair of a line from all its cells and its 1-based line number, throwing `bad(message)` for a cell it rejects.
 * Any of these faults is a DataFileError naming the file and line: the file is generated, so it means damage.
 */
export function readSplitTsv<P extends Pair & { kind: string }>(
  file: string,
  header: readonly string[],
  row: (cells: string[], line: number, bad: (message: string) => DataFileError) => P,
  opts: SplitTsvOptions,
): { pairs: P[]; report: LoadReport } & Splits<P> {
  if (header[0] !== 'split') throw new Error(`readSplitTsv: the first column must be "split", not ${JSON.stringify(header[0])}`);
  const lines = splitLines(readUtf8(file));
  if (lines[0] !== header.join('\t')) throw new DataFileError(file, 1, `expected the header ${JSON.stringify(header.join('\t'))}, found ${JSON.stringify(lines[0] ?? '')}`);
  const splits: Splits<P> = { train: [], valid: [], test: [] };
  const pairs: P[] = [];
  const kinds = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split('\t');
    const bad = (message: string) => new DataFileError(file, i + 1, message);
    if (cells.length !== header.length) throw bad(`expected ${header.length} tab-separated columns, found ${cells.length}`);
    const empty = cells.findIndex((c) => c.trim() === '');
    if (empty >= 0) throw bad(`empty ${header[empty]} cell`);
    const split = cells[0];
    if (!(SPLIT_NAMES as readonly string[]).includes(split)) throw bad(`split must be train, valid or test, not ${JSON.stringify(split)}`);
    const pair = row(cells, i + 1, bad);
    kinds.add(pair.kind);
    if (opts.kind !== undefined && pair.kind !== opts.kind) continue;
    pairs.push(pair);
    splits[split as (typeof SPLIT_NAMES)[number]].push(pair);
  }
  if (opts.kind !== undefined && !kinds.has(opts.kind)) throw new Error(`loadDataset: "${opts.dataset}" has no pairs of kind "${opts.kind}"; its kinds are ${[...kinds].join(', ')}`);
  return { pairs, report: { file, records: lines.length - 1, kept: pairs.length, skipped: {} }, ...splits };
}

interface Row {
  fields: string[];
  /** 1-based line where the record starts (for a record with a stray quote: the quote's line). */
  line: number;
  /** characters in the record, without its line end */
  length: number;
  /** Why the record could not be read (a quote inside an unquoted field); its fields are then empty. */
  badQuote?: string;
}

/**
 * Splits delimited text (LF line ends, as from readUtf8) into records and fields with csv-parse, RFC 4180
 * quoting: "a, b", "say ""hi""", newlines inside quotes. A quote inside an unquoted field spoils only its
 * record (returned with `badQuote`); text after a closing quote or a quote never closed leaves the rest of
 * the file ambiguous and is an error naming the line.
 */
export function parseDelimited(text: string, delimiter: string, file = '<text>'): Row[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n') {
    throw new DataFileError(file, undefined, `delimiter ${JSON.stringify(delimiter)}: expected one character other than a quote or a newline`);
  }
  const rows: Row[] = [];
  let lastBadStart = 0;
  parse(text, {
    delimiter,
    record_delimiter: '\n',
    quote: '"',
    escape: '"',
    relax_column_count: true, // column counts are checked by the caller, as counted skips
    skip_empty_lines: false, // blank lines too
    raw: true, // the record's text: its length and the physical line where it starts
    skip_records_with_error: true, // errors come to on_skip, in order with the records
    on_record: (ext: unknown, info) => {
      const { record, raw } = ext as { record: string[]; raw: string }; // with `raw`, csv-parse passes { record, raw } (its types say string[])
      rows.push({ fields: record, line: startLine(info.lines, raw), length: raw.endsWith('\n') ? raw.length - 1 : raw.length });
      return null;
    },
    on_skip: (err, raw) => {
      const lines = typeof err?.lines === 'number' ? err.lines : 1;
      const start = startLine(lines, raw ?? '');
      const field = typeof err?.column === 'number' ? ` (field ${err.column + 1})` : '';
      if (err?.code === 'INVALID_OPENING_QUOTE') {
        // one report per record: csv-parse reports every further stray quote of a spoilt record too
        if (start !== lastBadStart) rows.push({ fields: [], line: lines, length: 0, badQuote: `quote inside an unquoted field${field}; quote the whole field and double the quotes in it, as in "say ""hi"""` });
        lastBadStart = start;
        return undefined;
      }
      if (err?.code === 'CSV_QUOTE_NOT_CLOSED') throw new DataFileError(file, start, 'unterminated quoted field (a quote opened in this record is never closed)');
      if (err?.code === 'CSV_INVALID_CLOSING_QUOTE') throw new DataFileError(file, lines, `text after the closing quote of a quoted field${field}; double a quote that belongs in the field`);
      throw new DataFileError(file, lines, err?.message ?? 'unreadable record');
    },
  });
  return rows;
}

/** The physical line where a record starts, from the line csv-parse has reached and the record's text so far. */
function startLine(lines: number, raw: string): number {
  let newlines = 0;
  for (let i = raw.indexOf('\n'); i >= 0 && i < raw.length - 1; i = raw.indexOf('\n', i + 1)) newlines++;
  return lines - newlines;
}
