// Reading text files the strict way: missing files, directories, invalid UTF-8 and huge lines are
// reported with the file and line; a UTF-8 BOM is dropped and CRLF/CR line ends become LF.
// A file whose name ends in .gz is gunzipped first.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export class DataFileError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'DataFileError';
  }
}

export interface Utf8Options {
  /** Keep CR characters where they are, for formats in which a CR is itself an error (default: CRLF and CR become LF). */
  keepCarriageReturns?: boolean;
  /**
   * Called with the 1-based number of each line that is not valid UTF-8, instead of throwing on the first;
   * such a line is decoded with U+FFFD for its bad bytes, so the caller can skip it and count it.
   */
  onInvalidLine?: (line: number) => void;
}

/** The file's text, decoded as UTF-8 (fatal on invalid bytes, naming the line), BOM dropped, LF line ends. */
export function readUtf8(file: string, opts: Utf8Options = {}): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DataFileError(file, undefined, 'no such file');
  }
  if (stat.isDirectory()) throw new DataFileError(file, undefined, 'is a directory, not a data file');
  let bytes = fs.readFileSync(file);
  if (file.endsWith('.gz')) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new DataFileError(file, undefined, `not a readable gzip file (${(e as Error).message})`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = invalidUtf8Lines(bytes, opts.onInvalidLine === undefined);
    if (!opts.onInvalidLine) throw new DataFileError(file, bad[0], 'invalid UTF-8 (is the file in another encoding, e.g. Latin-1 or UTF-16?)');
    bad.forEach(opts.onInvalidLine);
    text = new TextDecoder('utf-8').decode(bytes);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return opts.keepCarriageReturns ? text : text.replace(/\r\n?/g, '\n');
}

/** 1-based lines (LF-separated) that are not valid UTF-8: the first only, or all of them. */
function invalidUtf8Lines(bytes: Buffer, firstOnly: boolean): number[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: number[] = [];
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        lines.push(line);
        if (firstOnly) return lines;
      }
      line++;
      start = i + 1;
    }
  }
  return lines;
}

/** Lines of the text; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
