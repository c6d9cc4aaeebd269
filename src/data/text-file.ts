// Reading text files the strict way: missing files, directories, invalid UTF-8 and huge lines are
// reported with the file and line; a UTF-8 BOM is dropped and CRLF/CR line ends become LF.
import * as fs from 'node:fs';

export class DataFileError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'DataFileError';
  }
}

/** The file's text, decoded as UTF-8 (fatal on invalid bytes, naming the line), BOM dropped, LF line ends. */
export function readUtf8(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DataFileError(file, undefined, 'no such file');
  }
  if (stat.isDirectory()) throw new DataFileError(file, undefined, 'is a directory, not a data file');
  const bytes = fs.readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataFileError(file, lineOfInvalidUtf8(bytes), 'invalid UTF-8 (is the file in another encoding, e.g. Latin-1 or UTF-16?)');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.replace(/\r\n?/g, '\n');
}

/** 1-based line of the first byte sequence that is not valid UTF-8. */
function lineOfInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

/** Lines of the text; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
