// Generates the bundled datasets from the CLDR locale data inside Node's ICU (Intl), and the bAbI-style
// stories from the project's own generator, deterministically:
//   npm run datasets              (writes datasets/)
//   node build/scripts/make_datasets.js OUT_DIR
// The same Node/ICU version gives byte-identical files (tests/datasets.test.ts checks it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { pick, randInt, rng, Rng } from '../src/data/random';
import { splitData } from '../src/data/split';
import { generateStories, STORY_COLUMNS, STORY_KINDS, STORY_WORLD, storyRow, storySource, type Story } from '../src/data/stories';

const SPLIT = { seed: 7, valid: 0.1, test: 0.1 };

/** CLDR uses no-break and narrow no-break spaces; the datasets use plain single spaces. */
const clean = (s: string) => s.replace(/\s+/gu, ' ').trim();

interface Generated {
  name: string;
  file: string;
  header?: string[];
  rows: string[][];
  title: string;
  description: string;
  format: string;
  seed: number;
}

function dates(seed: number, n: number): Generated {
  const r = rng(seed);
  const styles: Array<[string, Intl.DateTimeFormatOptions]> = [];
  for (const locale of ['en-US', 'en-GB', 'fr-FR', 'de-DE', 'zh-CN']) {
    for (const dateStyle of ['full', 'long', 'medium', 'short'] as const) styles.push([locale, { dateStyle }]);
  }
  styles.push(['en-US', { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }]);
  styles.push(['fr-FR', { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }]);
  styles.push(['de-DE', { weekday: 'short', year: 'numeric', month: 'long', day: 'numeric' }]);
  const formats = styles.map(([locale, o]) => new Intl.DateTimeFormat(locale, { ...o, timeZone: 'UTC' }));
  const first = Date.UTC(1950, 0, 1) / 86400000;
  const last = Date.UTC(2049, 11, 31) / 86400000;
  const seen = new Set<string>();
  const rows: string[][] = [];
  while (rows.length < n) {
    const day = new Date(randInt(r, first, last) * 86400000);
    const fmt = pick(r, formats);
    const source = clean(fmt.format(day));
    if (seen.has(source)) continue;
    seen.add(source);
    rows.push([source, day.toISOString().slice(0, 10)]);
  }
  return {
    name: 'dates',
    file: 'data.tsv',
    rows,
    seed,
    title: 'Date normalisation',
    description:
      'Human-written dates in five locales (en-US, en-GB, fr-FR, de-DE, zh-CN) and seven styles (CLDR full/long/medium/short ' +
      'date styles and abbreviated forms) paired with the ISO 8601 date, for dates from 1950-01-01 to 2049-12-31. Two-digit ' +
      'years (en-US and de-DE short styles) mean 1950-2049. The classic attention demo: each output digit aligns with a clear ' +
      'part of the input. Character-level.',
    format: 'Anki/Tatoeba style: `source<TAB>target`, no header (read with `readAnkiPairs`).',
  };
}

const REGIONS = ['FR', 'DE', 'ES', 'IT', 'JP', 'CN', 'US', 'GB', 'BR', 'IN', 'CA', 'MX', 'EG', 'NG', 'KR', 'RU', 'AU', 'AR', 'SE', 'PL', 'TR', 'VN', 'GR', 'PT', 'NL', 'CH', 'IE', 'KE', 'PE', 'TH'];
const LANGUAGES = ['fr', 'de', 'es', 'it', 'ja', 'zh', 'en', 'pt', 'ru', 'ar', 'hi', 'ko', 'nl', 'sv', 'pl', 'tr', 'vi', 'el', 'fi', 'da'];
const UNITS = ['kilometer-per-hour', 'mile-per-hour', 'kilometer', 'meter', 'liter', 'kilogram', 'gram', 'hour', 'minute', 'second', 'day', 'week', 'celsius', 'percent', 'megabyte', 'liter-per-kilometer'];
const CURRENCIES = ['USD', 'EUR', 'JPY', 'CNY', 'GBP', 'CHF', 'CAD', 'INR'];
const REL_UNITS: Intl.RelativeTimeFormatUnit[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const LOCALES = { en: 'en', fr: 'fr', zh: 'zh-CN' } as const;

function phrases(seed: number, perKind: number): Generated {
  const r = rng(seed);
  const kinds: Record<string, (r: Rng) => (locale: string) => string> = {
    date: (r) => {
      const d = new Date(randInt(r, Date.UTC(1990, 0, 1) / 86400000, Date.UTC(2035, 11, 31) / 86400000) * 86400000);
      return (l) => new Intl.DateTimeFormat(l, { dateStyle: 'full', timeZone: 'UTC' }).format(d);
    },
    relative: (r) => {
      const unit = pick(r, REL_UNITS);
      const n = randInt(r, -12, 12);
      const numeric = r() < 0.3 ? 'auto' : 'always';
      return (l) => new Intl.RelativeTimeFormat(l, { numeric }).format(n, unit);
    },
    unit: (r) => {
      const unit = pick(r, UNITS);
      const n = r() < 0.5 ? randInt(r, 1, 120) : Math.round(r() * 1000) / 10;
      return (l) => new Intl.NumberFormat(l, { style: 'unit', unit, unitDisplay: 'long' }).format(n);
    },
    currency: (r) => {
      const currency = pick(r, CURRENCIES);
      const n = r() < 0.5 ? randInt(r, 1, 5000) : Math.round(r() * 100000) / 100;
      return (l) => new Intl.NumberFormat(l, { style: 'currency', currency, currencyDisplay: 'name' }).format(n);
    },
    countries: (r) => {
      const items = distinct(r, REGIONS, randInt(r, 1, 7));
      const type = r() < 0.7 ? 'conjunction' : 'disjunction';
      return (l) => new Intl.ListFormat(l, { type }).format(items.map((c) => new Intl.DisplayNames(l, { type: 'region' }).of(c)!));
    },
    languages: (r) => {
      const items = distinct(r, LANGUAGES, randInt(r, 1, 6));
      const type = r() < 0.7 ? 'conjunction' : 'disjunction';
      return (l) => new Intl.ListFormat(l, { type }).format(items.map((c) => new Intl.DisplayNames(l, { type: 'language' }).of(c)!));
    },
  };
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const [kind, make] of Object.entries(kinds)) {
    let made = 0;
    for (let tries = 0; made < perKind && tries < perKind * 20; tries++) {
      const say = make(r);
      const row = [clean(say(LOCALES.en)), clean(say(LOCALES.fr)), clean(say(LOCALES.zh)), kind];
      if (seen.has(row[0])) continue;
      seen.add(row[0]);
      rows.push(row);
      made++;
    }
  }
  return {
    name: 'phrases',
    file: 'data.tsv',
    header: ['en', 'fr', 'zh', 'kind'],
    rows,
    seed,
    title: 'Phrase translation en → fr, en → zh',
    description:
      'Phrases that CLDR translates: full dates with weekdays, relative times ("in 3 days" / "dans 3 jours" / "3天后"), ' +
      'measurements with long unit names ("5 kilometers per hour" / "5 kilomètres par heure" / "每小时5公里"), amounts of ' +
      'money with currency names, and lists of one to seven countries or languages joined with "and"/"or". Word order ' +
      'differs between the languages (Chinese puts "after"/"per hour" elsewhere, French moves adjectives and drops the ' +
      'serial comma), which makes alignment heatmaps interesting; list length makes long inputs.',
    format: 'TSV with a header `en<TAB>fr<TAB>zh<TAB>kind` (read with `readTablePairs`, source "en", target "fr" or "zh").',
  };
}

function distinct<T>(r: Rng, items: readonly T[], n: number): T[] {
  const out: T[] = [];
  while (out.length < n) {
    const x = pick(r, items);
    if (!out.includes(x)) out.push(x);
  }
  return out;
}

function reverse(seed: number, n: number): Generated {
  const r = rng(seed);
  const letters = 'abcdefghij'.split('');
  const seen = new Set<string>();
  const rows: string[][] = [];
  while (rows.length < n) {
    const s = Array.from({ length: randInt(r, 3, 14) }, () => pick(r, letters)).join('');
    if (seen.has(s)) continue;
    seen.add(s);
    rows.push([s, Array.from(s).reverse().join('')]);
  }
  return {
    name: 'reverse',
    file: 'data.tsv',
    rows,
    seed,
    title: 'Reverse a string',
    description:
      'Random strings of 3 to 14 letters from a–j and the same string reversed. The smallest task where a decoder must ' +
      'look at a different input position at every step: its attention heatmap is the anti-diagonal.',
    format: 'Anki/Tatoeba style: `source<TAB>target`, no header (read with `readAnkiPairs`).',
  };
}

function write(outDir: string, g: Generated): { bytes: number; rows: number } {
  const dir = path.join(outDir, g.name);
  fs.mkdirSync(dir, { recursive: true });
  for (const row of g.rows) {
    for (const cell of row) if (/[\t\n]/.test(cell)) throw new Error(`${g.name}: a cell contains a tab or newline: ${JSON.stringify(cell)}`);
  }
  const lines = [...(g.header ? [g.header.join('\t')] : []), ...g.rows.map((r) => r.join('\t'))];
  const data = lines.join('\n') + '\n';
  fs.writeFileSync(path.join(dir, g.file), data);
  const bytes = Buffer.byteLength(data);
  const meta = {
    name: g.name,
    file: g.file,
    format: g.format,
    pairs: g.rows.length,
    bytes,
    seed: g.seed,
    split: SPLIT,
    generator: 'scripts/make_datasets.ts',
    command: 'npm run datasets',
    icu: process.versions.icu,
    cldr: process.versions.cldr,
    unicode: process.versions.unicode,
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  const sample = g.rows.slice(0, 5).map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
  const cols = g.header ?? ['source', 'target'];
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    `# ${g.title}

${g.description}

| | |
|---|---|
| file | \`${g.file}\`, ${g.rows.length} pairs, ${bytes} bytes, UTF-8, LF line ends |
| format | ${g.format} |
| split | \`splitData(pairs, { seed: ${SPLIT.seed}, valid: ${SPLIT.valid}, test: ${SPLIT.test} })\` (what \`loadDataset\` does) |
| provenance | generated by \`${meta.generator}\` (seed ${g.seed}) from the Unicode CLDR locale data inside Node's ICU, through \`Intl\`; no download |
| generated with | ICU ${meta.icu}, CLDR ${meta.cldr}, Unicode ${meta.unicode} (from Node's process.versions) |
| regenerate | \`${meta.command}\` (byte-identical with the same ICU; another ICU may format some strings differently) |
| licence | the strings come from CLDR data: Unicode License v3 (https://www.unicode.org/license.txt); the generator is MIT |

First rows:

| ${cols.join(' | ')} |
|${cols.map(() => '---').join('|')}|
${sample}
`,
  );
  return { bytes, rows: g.rows.length };
}

/** The stories dataset: its seed, stories per kind and sentences per story. */
export const STORIES = { seed: 2015, perKind: 2000, minSentences: 2, maxSentences: 10 } as const;

/**
 * datasets/stories: bAbI-style stories from generateStories (no ICU involved, so byte-identical on any machine
 * with the same zlib), split within each kind by splitData (seed 7, 80/10/10), as gzip'd TSV with the split stored.
 */
export function writeStories(outDir: string): { bytes: number; rows: number } {
  const stories = generateStories(STORIES);
  const rows: string[][] = [];
  const counts: Record<string, number> = {};
  const answers: Record<string, Record<string, number>> = {};
  const lengths: number[] = [];
  for (const kind of STORY_KINDS) {
    const parts = splitData(stories.filter((s) => s.kind === kind), SPLIT);
    for (const split of ['train', 'valid', 'test'] as const) {
      for (const s of parts[split]) rows.push(storyRow(split, s));
      counts[`${kind} ${split}`] = parts[split].length;
    }
    answers[kind] = {};
    for (const s of stories) if (s.kind === kind) answers[kind][s.answer] = (answers[kind][s.answer] ?? 0) + 1;
  }
  for (const s of stories) lengths[s.sentences.length] = (lengths[s.sentences.length] ?? 0) + 1;
  for (const row of rows) for (const cell of row) if (/[\t\n\r]/.test(cell) || cell === '') throw new Error(`stories: a cell is empty or holds a tab or newline: ${JSON.stringify(row)}`);
  const text = [STORY_COLUMNS.join('\t'), ...rows.map((r) => r.join('\t'))].join('\n') + '\n';
  const data = zlib.gzipSync(Buffer.from(text), { level: 9 });
  const dir = path.join(outDir, 'stories');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'data.tsv.gz'), data);
  const format =
    `gzip'd TSV, header \`${STORY_COLUMNS.join('<TAB>')}\`, no quoting (no cell holds a tab or newline); read by loadDataset('stories'), ` +
    'whose pairs have source = story + " " + question and target = answer';
  const meta = {
    name: 'stories',
    file: 'data.tsv.gz',
    format,
    pairs: rows.length,
    bytes: data.length,
    seed: STORIES.seed,
    split: { ...SPLIT, by: 'kind' },
    generator: 'scripts/make_datasets.ts (generateStories in src/data/stories.ts)',
    command: 'npm run datasets',
    options: STORIES,
    counts,
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  const example = (s: Story) => `| ${s.kind} | ${cell(storySource(s))} | ${cell(s.answer)} | ${s.supporting.join(', ')} |`;
  const firsts = STORY_KINDS.map((k) => stories.find((s) => s.kind === k)!);
  const answerTable = STORY_KINDS.map((k) => `| ${k} | ${Object.entries(answers[k]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([a, n]) => `${cell(a)} ${n}`).join(' · ')} |`).join('\n');
  const W = STORY_WORLD;
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    `# bAbI-style stories: question answering over short stories

Short stories about a small world, each followed by a question and its answer, modelled on five of the twenty tasks
of Weston et al. 2015, "Towards AI-Complete Question Answering: A Set of Prerequisite Toy Tasks" (bAbI): single
supporting fact (task 1), two supporting facts (task 2), yes/no questions (task 6), counting (task 7) and lists
(task 8). The stories are **not** bAbI's: this project's own generator (\`generateStories\` in
\`src/data/stories.ts\`) tells them, with its own words, and the answers are correct by construction. A separate
rule-based reader, \`solveStory\` (\`src/data/story-solver.ts\`), re-derives every answer and supporting sentence
from the text alone and checks the world is consistent (tests/data-stories.test.ts checks it on this file).

| | |
|---|---|
| file | \`data.tsv.gz\`, ${rows.length} stories, ${data.length} bytes gzip'd (${Buffer.byteLength(text)} bytes of UTF-8 text, LF line ends) |
| format | ${format} |
| columns | \`split\` (train/valid/test), \`kind\` (one of ${STORY_KINDS.map((k) => `\`${k}\``).join(', ')}), \`supporting\` (0-based indices of the supporting sentences, comma-separated, ascending), \`story\` (the sentences joined by single spaces), \`question\`, \`answer\` |
| split | stored in the file: within each kind, \`splitData(stories, { seed: ${SPLIT.seed}, valid: ${SPLIT.valid}, test: ${SPLIT.test} })\`; no story (its sentences) occurs twice in the whole file, so none straddles two splits |
| provenance | generated by this project's \`generateStories(${JSON.stringify(STORIES).replace(/"/g, '')})\` (scripts/make_datasets.ts); no download, no external data |
| regenerate | \`npm run datasets\` (byte-identical: the generator uses the project's seeded mulberry32, not Math.random or ICU; the gzip bytes depend only on Node's zlib, level 9) |
| licence | MIT, the project's licence (the stories are the generator's output) |

## The world and the text

People (${W.people.join(', ')}; each story casts two to four of them) move between six places (${W.places.join(', ')}), and pick up and drop
four objects (${W.objects.join(', ')}). A sentence is one action: a move ("${W.move.join('", "')} the <place>"), a pickup
("${W.take.join('", "')} the <object>") or a drop ("${W.drop.join('", "')} the <object>"). The world stays consistent: nobody
moves to where they already are, picks up what someone else holds or what was dropped somewhere else (or somewhere the
story never told), drops what they do not hold, or carries more than ${W.maxCarried} objects. A story has
${STORIES.minSentences} to ${STORIES.maxSentences} sentences, about half of them moves.

The **source** is the story's sentences, each ending with \`.\`, then the question, ending with \`?\`, all joined by single
spaces. The project's word tokenizer (what \`prepareTask('stories')\` uses on both sides) keeps \`.\`, \`,\` and \`?\` as
tokens of their own, so sentence boundaries survive tokenization: \`storyTokenSentences(tokens)\` gives each source token
its sentence index (-1 for the question's tokens), which is what an attention heatmap by sentence needs.

| kind | question | answer | supporting sentences |
|---|---|---|---|
| single-supporting-fact | Where is P? | P's place | P's last move |
| two-supporting-facts | Where is the O? | the place of whoever carries O, or where O was dropped | the last pickup or drop of O, and its handler's last move (before the drop) |
| yes-no | Is P in the L? | yes / no (half each) | P's last move |
| counting | How many objects is P carrying? | ${W.counts.join(' / ')} (a quarter each) | every pickup and drop by P |
| lists | What is P carrying? | the objects in the order P picked them up, joined by ", ", or "${W.nothing}" (lengths 0–3, a quarter each) | every pickup and drop by P |

A question is only asked when the story answers it: P has moved, O's handler's place is known, and for counting and
lists P has picked up something. Two-supporting-facts questions ask about a carried object twice as often as about a
dropped one.

## Counts

| kind | train | valid | test |
|---|---|---|---|
${STORY_KINDS.map((k) => `| ${k} | ${counts[`${k} train`]} | ${counts[`${k} valid`]} | ${counts[`${k} test`]} |`).join('\n')}

Answers (all splits):

| kind | answers |
|---|---|
${answerTable}

Sentences per story (all kinds): ${lengths.map((n, len) => (n ? `${len}: ${n}` : '')).filter(Boolean).join(' · ')}.

## First story of each kind

| kind | source | target | supporting |
|---|---|---|---|
${firsts.map(example).join('\n')}
`,
  );
  return { bytes: data.length, rows: rows.length };
}

export function generateAll(outDir: string): Record<string, { bytes: number; rows: number }> {
  return {
    dates: write(outDir, dates(20261124, 16000)),
    phrases: write(outDir, phrases(1124, 1000)),
    reverse: write(outDir, reverse(42, 5000)),
    stories: writeStories(outDir),
  };
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'datasets'));
  const sizes = generateAll(out);
  for (const [name, s] of Object.entries(sizes)) console.log(`${name}: ${s.rows} pairs, ${s.bytes} bytes`);
  console.log(`written to ${out} (ICU ${process.versions.icu})`);
}
