// What the model commands (translate, summarise, answer) share: errors, --beam and flags, the unknown-token
// report, and what train.ts recorded about a model folder (report.json) to catch a model of the wrong kind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelBundle } from '../../src';

/** Prints `<command>: <msg>` to stderr and exits with status 1. */
export function failer(command: string): (msg: string) => never {
  return (msg: string): never => {
    console.error(`${command}: ${msg}`);
    process.exit(1);
  };
}

/** Removes `flag` from args; whether it was there. */
export function takeFlag(args: string[], flag: string): boolean {
  const i = args.indexOf(flag);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

/** Removes `name value` from args; the value (undefined without the option; an error without a value). */
export function takeOption(args: string[], name: string, fail: (msg: string) => never): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (i + 1 >= args.length) fail(`${name} needs a value`);
  return args.splice(i, 2)[1];
}

/** `--beam K` removed from args: K (1 without it); an error unless K is a positive integer. */
export function takeBeam(args: string[], fail: (msg: string) => never): number {
  const i = args.indexOf('--beam');
  if (i < 0) return 1;
  const beam = Number(args[i + 1]);
  if (!Number.isInteger(beam) || beam < 1) fail(`--beam needs a positive integer, not ${JSON.stringify(args[i + 1])}`);
  args.splice(i, 2);
  return beam;
}

/** Whether the model copies source words (a pointer-generator: `copy: true`). */
export function copies(b: ModelBundle): boolean {
  return b.model.config.kind !== 'transformer' && b.model.config.copy === true;
}

/**
 * Reports to stderr the tokens of `text` that the model's source vocabulary lacks (read as <unk>), under `label`
 * ("input 2"); a copy model can still copy them. When most of the input is unknown, says the model may be of
 * another kind (`expected`, e.g. "a question-answering model").
 */
export function reportUnknown(command: string, b: ModelBundle, label: string, text: string, expected: string): void {
  const tokens = b.sourceTokenizer.tokenize(text);
  const unknown = tokens.filter((tok) => !b.sourceVocab.has(tok));
  if (unknown.length === 0) return;
  const copy = copies(b) ? ' (a copy model: it can still copy them to the output)' : '';
  const most = unknown.length > tokens.length / 2 ? `; that is most of the input: is this ${expected}?` : '';
  console.error(`${command}: ${label}: ${unknown.length} token(s) not in the model's vocabulary, read as <unk>: ${unknown.slice(0, 8).map((u) => JSON.stringify(u)).join(' ')}${copy}${most}`);
}

/** What `npm run train` wrote next to the model (report.json), if it is there. */
export interface TrainReport {
  dataset?: string;
  sourceTokens?: number;
}

export function readTrainReport(dir: string): TrainReport | undefined {
  const file = path.join(dir, 'report.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as TrainReport;
  } catch {
    return undefined; // a damaged report does not stop the model from being used
  }
}

/** The command for a model trained on each dataset. */
const COMMAND_FOR: Record<string, string> = { stories: 'answer', 'debian-summaries': 'summarise' };

/**
 * An error message when report.json says the model was trained for another command than `command` (a summariser
 * asked to answer, a translation model asked to summarise), or undefined (also when there is no report).
 */
export function wrongKind(dir: string, command: string, report: TrainReport | undefined): string | undefined {
  if (report?.dataset === undefined) return undefined;
  const its = COMMAND_FOR[report.dataset] ?? 'translate';
  if (its === command) return undefined;
  return `${dir} was trained on "${report.dataset}" (its report.json), so it is not a model for ${command}: try npm run ${its} -- ${dir} …`;
}
