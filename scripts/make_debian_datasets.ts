// Maintainer's generator for the two datasets made of Debian package descriptions:
//   debian-en-fr       English → French: synopses and aligned paragraphs (the DDTP's human translations)
//   debian-summaries   English first paragraph of the long description → the package's synopsis
//
//   node build/scripts/make_debian_datasets.js [OUT_DIR]          (npm run datasets runs it after make_datasets)
//   node build/scripts/make_debian_datasets.js OUT_DIR --indices DIR   (from index files already fetched)
//
// It needs apt's network access (a user's machine never runs it: the datasets are bundled). It leaves the
// system's apt state alone: apt-get update runs with a private sources file naming the `bookworm` `main` suite
// on the Debian mirror the machine's apt already uses (read from /etc/apt at run time), a private lists and
// cache folder, no update hooks, and Acquire::Languages=en,fr,de,zh_CN. apt stores the indices compressed or
// not (Acquire::GzipIndexes, CompressionTypes); `apt-helper cat-file` decompresses whatever it stored.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { LoadReport } from '../src/data/corpus';
import { DescriptionRecord, joinTranslations, readSourcePackages, readTranslationIndex } from '../src/data/debian';
import { splitGroups } from '../src/data/split';

export const RELEASE = 'bookworm';
export const LANGUAGES = ['en', 'fr', 'de', 'zh_CN'];
const SPLIT = { seed: 7, valid: 0.1, test: 0.1 };
/** Longest English text kept, in words (paragraphs beyond it are rare and too long for the workbook's RNNs). */
const MAX_WORDS = 64;
/** A text shared by at most this many source families joins them into one group; more is boilerplate. */
const MAX_SHARING = 5;

/** The index files, decompressed, in one folder. */
export interface IndexFiles {
  dir: string;
  /** Index name (as in InRelease, e.g. main/i18n/Translation-en) → local file. */
  files: Record<string, string>;
  inRelease: string;
}

const INDEX = {
  en: 'main/i18n/Translation-en',
  fr: 'main/i18n/Translation-fr',
  de: 'main/i18n/Translation-de',
  zh: 'main/i18n/Translation-zh_CN',
  packages: 'main/binary-amd64/Packages',
};

interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  signedBy?: string;
}

/** The deb sources configured in /etc/apt (deb822 .sources files and one-line sources.list files). */
export function aptSources(etc = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const files: string[] = [];
  if (fs.existsSync(path.join(etc, 'sources.list'))) files.push(path.join(etc, 'sources.list'));
  const dir = path.join(etc, 'sources.list.d');
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) files.push(path.join(dir, f));
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    if (f.endsWith('.sources')) {
      for (const block of text.split(/\n\s*\n/)) {
        const fields = new Map<string, string>();
        let key = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('#')) continue;
          const m = /^([\w-]+):\s*(.*)$/.exec(line);
          if (m) fields.set((key = m[1].toLowerCase()), m[2]);
          else if (/^\s/.test(line) && key) fields.set(key, `${fields.get(key)} ${line.trim()}`);
        }
        if (fields.get('enabled') === 'no' || !(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
        for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
          out.push({ uri, suites: (fields.get('suites') ?? '').split(/\s+/), components: (fields.get('components') ?? '').split(/\s+/), signedBy: fields.get('signed-by') });
        }
      }
    } else if (f.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line.trim());
        if (!m) continue;
        const signedBy = /signed-by=(\S+)/.exec(m[1] ?? '')?.[1];
        out.push({ uri: m[2], suites: [m[3]], components: m[4].split(/\s+/), signedBy });
      }
    }
  }
  return out;
}

/** Fetches the indices with apt-get update into `dir` (private state) and decompresses them there. */
export function fetchIndices(dir: string): IndexFiles {
  const src = aptSources().find((s) => s.suites.includes(RELEASE) && s.components.includes('main'));
  if (!src) throw new Error(`no "deb" source for suite ${RELEASE} with component main in /etc/apt/sources.list or /etc/apt/sources.list.d/`);
  fs.chmodSync(dir, 0o755); // apt downloads as the _apt user
  const lists = path.join(dir, 'lists');
  const parts = path.join(dir, 'sources.list.d');
  for (const d of [path.join(lists, 'partial'), parts, path.join(dir, 'cache', 'archives', 'partial')]) fs.mkdirSync(d, { recursive: true });
  const sourcesFile = path.join(dir, 'sources.list');
  const signed = src.signedBy && !src.signedBy.includes('\n') && !src.signedBy.includes('-----') ? `[signed-by=${src.signedBy}] ` : '';
  fs.writeFileSync(sourcesFile, `deb ${signed}${src.uri} ${RELEASE} main\n`);
  const conf = path.join(dir, 'apt.conf');
  fs.writeFileSync(
    conf,
    [
      '#clear APT::Update::Pre-Invoke;',
      '#clear APT::Update::Post-Invoke;',
      '#clear APT::Update::Post-Invoke-Success;',
      '#clear Acquire::Languages;', // a Docker image's "none" would otherwise stay first
      `Dir::Etc::sourcelist "${sourcesFile}";`,
      `Dir::Etc::sourceparts "${parts}";`,
      `Dir::State::Lists "${lists}";`,
      `Dir::Cache "${path.join(dir, 'cache')}";`,
      `Acquire::Languages { ${LANGUAGES.map((l) => `"${l}";`).join(' ')} };`,
      'APT::Architectures { "amd64"; };',
      '',
    ].join('\n'),
  );
  console.log(`apt-get update: ${RELEASE} main from ${src.uri} into ${lists}`);
  execFileSync('apt-get', ['-c', conf, '-q', 'update'], { stdio: 'inherit' });
  const stored = fs.readdirSync(lists);
  const files: Record<string, string> = {};
  for (const [key, name] of Object.entries(INDEX)) {
    const suffix = '_' + `dists/${RELEASE}/${name}`.replace(/\//g, '_').replace('zh_CN', 'zh%5fCN');
    const found = stored.find((f) => f.endsWith(suffix) || new RegExp(`${escape(suffix)}\\.[a-z0-9]+$`).test(f));
    if (!found) throw new Error(`apt-get update stored no ${name} in ${lists} (files there: ${stored.join(', ')})`);
    const out = path.join(dir, key === 'packages' ? 'Packages' : path.basename(name));
    fs.writeFileSync(out, execFileSync('/usr/lib/apt/apt-helper', ['cat-file', path.join(lists, found)], { maxBuffer: 1 << 30 }));
    files[name] = out;
  }
  const inRelease = stored.find((f) => f.endsWith(`_dists_${RELEASE}_InRelease`));
  if (!inRelease) throw new Error(`apt-get update stored no InRelease in ${lists}`);
  return { dir, files, inRelease: path.join(lists, inRelease) };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Release {
  origin: string;
  codename: string;
  version: string;
  date: string;
  /** Index name → SHA-256 of the uncompressed file, as the signed InRelease lists it. */
  sha256: Map<string, string>;
}

export function readRelease(file: string): Release {
  const text = fs.readFileSync(file, 'utf8');
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1].trim() ?? '';
  const sha256 = new Map<string, string>();
  const block = /^SHA256:\n((?: .*\n)*)/m.exec(text)?.[1] ?? '';
  for (const line of block.split('\n')) {
    const [hash, , name] = line.trim().split(/\s+/);
    if (name) sha256.set(name, hash);
  }
  return { origin: field('Origin'), codename: field('Codename'), version: field('Version'), date: field('Date'), sha256 };
}

const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const words = (s: string) => s.split(' ').filter(Boolean).length;

/** The dedupe key: NFKC, lower case, every number → 0, punctuation and spacing → one space. */
export function nearKey(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\p{N}+/gu, '0').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Source packages built from one source under another name (linux-signed-amd64 → linux) form one family. */
export function sourceFamily(source: string): string {
  return source.replace(/-signed(-[a-z0-9]+)?$/, '');
}

class Groups {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    for (let y = x; y !== root; ) {
      const next = this.parent.get(y)!;
      this.parent.set(y, root);
      y = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // the smaller name becomes the root, so the group's name does not depend on the order of unions
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

export interface Row {
  split: 'train' | 'valid' | 'test';
  group: string;
  package: string;
  kind: string;
  source: string;
  target: string;
}

interface Candidate {
  package: string;
  kind: string;
  source: string;
  target: string;
}

interface Built {
  rows: Row[];
  counts: Record<string, number>;
}

/**
 * Deduplicates candidates (one per near-duplicate English source text, preferring the package named like its
 * source package, then the first by name), groups them (source package family, joined by any shared text key),
 * and splits by group.
 */
function finish(candidates: Candidate[], sourceOf: (pkg: string) => string, groups: Groups, counts: Record<string, number>): Built {
  const rank = (c: Candidate) => `${sourceOf(c.package) === c.package ? 0 : 1}${c.package}\t${c.kind}`;
  const sorted = candidates.slice().sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  const familiesOf = new Map<string, Set<string>>();
  for (const c of sorted) {
    const key = nearKey(c.source);
    const set = familiesOf.get(key) ?? new Set<string>();
    familiesOf.set(key, set.add(sourceFamily(sourceOf(c.package))));
  }
  for (const families of familiesOf.values()) {
    if (families.size > MAX_SHARING) continue; // boilerplate ("This package contains the documentation."), kept once anyway
    const [first, ...rest] = [...families];
    for (const f of rest) groups.union(`src:${first}`, `src:${f}`);
  }
  const seen = new Set<string>();
  const kept: Candidate[] = [];
  for (const c of sorted) {
    const key = `${c.kind}\t${nearKey(c.source)}`;
    if (seen.has(key)) {
      counts[`dropped: near-duplicate ${c.kind}`] = (counts[`dropped: near-duplicate ${c.kind}`] ?? 0) + 1;
      continue;
    }
    seen.add(key);
    kept.push(c);
  }
  const groupOf = (c: Candidate) => groups.find(`src:${sourceFamily(sourceOf(c.package))}`).slice('src:'.length);
  const split = splitGroups(kept, groupOf, SPLIT);
  const rows: Row[] = [];
  for (const part of ['train', 'valid', 'test'] as const) for (const c of split[part]) rows.push({ split: part, group: groupOf(c), ...c });
  rows.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.package < b.package ? -1 : a.package > b.package ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  for (const r of rows) counts[`${r.kind} ${r.split}`] = (counts[`${r.kind} ${r.split}`] ?? 0) + 1;
  counts.groups = new Set(rows.map((r) => r.group)).size;
  // templated texts of different source packages (apertium-afr-nld, apertium-cat-ita, ...) are not grouped: measure them
  const opening = (s: string) => nearKey(s).split(' ').slice(0, 6).join(' ');
  const trainOpenings = new Set(rows.filter((r) => r.split === 'train' && nearKey(r.source).split(' ').length >= 6).map((r) => opening(r.source)));
  counts['test sources whose first 6 normalised words open a train source'] = rows.filter((r) => r.split === 'test' && nearKey(r.source).split(' ').length >= 6 && trainOpenings.has(opening(r.source))).length;
  counts['largest group'] = Math.max(0, ...[...rows.reduce((m, r) => m.set(r.group, (m.get(r.group) ?? 0) + 1), new Map<string, number>()).values()]);
  return { rows, counts };
}

const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

/** Numbers in a text, sorted: a translated paragraph keeps the English one's version numbers, sizes and years. */
const numbers = (s: string) => (s.match(/\d+/g) ?? []).sort().join(' ');

export interface ParagraphCheck {
  /** Descriptions whose English and French long descriptions have the same number of paragraphs. */
  sameCount: number;
  differentCount: number;
  /** Paragraph pairs looked at (prose on both sides), and why any were refused. */
  pairs: number;
  refused: Record<string, number>;
}

export function buildDatasets(idx: IndexFiles): { enFr: Built; summaries: Built; check: ParagraphCheck; reports: Record<string, unknown> } {
  const en = readTranslationIndex(idx.files[INDEX.en], { lang: 'en', skipBadLines: true });
  const fr = readTranslationIndex(idx.files[INDEX.fr], { lang: 'fr', skipBadLines: true });
  const joined = joinTranslations(en.records, fr, { skipBadLines: true });
  const pk = readSourcePackages(idx.files[INDEX.packages], { skipBadLines: true, maxLineLength: 1_000_000 });
  const unknownSource = new Set<string>();
  const sourceOf = (p: string) => {
    const s = pk.sources.get(p);
    if (s) return s;
    unknownSource.add(p);
    return p;
  };
  const rel = (r: LoadReport) => ({ ...r, file: path.basename(r.file) });
  const reports = { en: rel(en.report), fr: rel(fr.report), join: rel(joined.report), packages: rel(pk.report) } as Record<string, unknown>;
  // German and Chinese are only counted (what else the archive offers)
  for (const [key, lang] of [['de', 'de'], ['zh', 'zh_CN']] as const) {
    const t = readTranslationIndex(idx.files[INDEX[key]], { lang, skipBadLines: true });
    const j = joinTranslations(en.records, t, { skipBadLines: true });
    reports[lang] = { read: rel(t.report), join: rel(j.report), descriptions: new Set(j.pairs.map((p) => p.english.md5)).size };
  }

  // one record per description: the same text (same md5) is shared by several packages
  const byMd5 = <T extends { md5: string; package: string }>(xs: readonly T[]) => {
    const m = new Map<string, T>();
    for (const x of xs.slice().sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0))) if (!m.has(x.md5)) m.set(x.md5, x);
    return [...m.values()];
  };

  // debian-en-fr
  const frCounts: Record<string, number> = {};
  const check: ParagraphCheck = { sameCount: 0, differentCount: 0, pairs: 0, refused: {} };
  const frCandidates: Candidate[] = [];
  const pairs = byMd5(joined.pairs.map((p) => ({ md5: p.translation.md5, package: p.translation.package, p })));
  frCounts['descriptions with a French translation'] = pairs.length;
  for (const { p } of pairs) {
    const e = p.english;
    const t = p.translation;
    if (words(e.synopsis) > MAX_WORDS) bump(frCounts, 'dropped: synopsis too long');
    else frCandidates.push({ package: t.package, kind: 'synopsis', source: e.synopsis, target: t.synopsis });
    if (e.paragraphs.length !== t.paragraphs.length) {
      check.differentCount++;
      continue;
    }
    check.sameCount++;
    e.paragraphs.forEach((ep, i) => {
      const tp = t.paragraphs[i];
      if (ep.verbatim || tp.verbatim) return bump(check.refused, 'preformatted (list, code)');
      check.pairs++;
      const ratio = tp.text.length / ep.text.length;
      if (ratio < 0.6 || ratio > 2.2) return bump(check.refused, 'length ratio outside 0.6–2.2');
      if (numbers(ep.text) !== numbers(tp.text)) return bump(check.refused, 'numbers differ');
      if (words(ep.text) > MAX_WORDS) return bump(check.refused, `longer than ${MAX_WORDS} words`);
      frCandidates.push({ package: t.package, kind: 'paragraph', source: ep.text, target: tp.text });
    });
  }
  const groups = new Groups();
  const enFr = finish(frCandidates, sourceOf, groups, frCounts);

  // debian-summaries
  const sumCounts: Record<string, number> = {};
  const sumCandidates: Candidate[] = [];
  const records: DescriptionRecord[] = byMd5(en.records);
  sumCounts['English descriptions'] = records.length;
  for (const r of records) {
    const first = r.paragraphs[0];
    if (!first) bump(sumCounts, 'dropped: no long description');
    else if (first.verbatim) bump(sumCounts, 'dropped: first paragraph preformatted');
    else if (words(first.text) < 8) bump(sumCounts, 'dropped: first paragraph under 8 words');
    else if (words(first.text) > MAX_WORDS) bump(sumCounts, `dropped: first paragraph over ${MAX_WORDS} words`);
    else if (nearKey(first.text) === nearKey(r.synopsis)) bump(sumCounts, 'dropped: first paragraph = synopsis');
    else sumCandidates.push({ package: r.package, kind: 'summary', source: first.text, target: r.synopsis });
  }
  const summaries = finish(sumCandidates, sourceOf, new Groups(), sumCounts);
  reports['packages without a Source in Packages (amd64): own name used'] = unknownSource.size;
  return { enFr, summaries, check, reports };
}

function gzipTsv(header: string[], rows: string[][]): Buffer {
  for (const row of rows) for (const cell of row) if (/[\t\n\r]/.test(cell) || cell === '') throw new Error(`a cell is empty or holds a tab or newline: ${JSON.stringify(row)}`);
  const text = [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n';
  return zlib.gzipSync(Buffer.from(text), { level: 9 });
}

interface Written {
  name: string;
  pairs: number;
  bytes: number;
}

export interface Provenance {
  fetched: string;
  release: Release;
  /** Index name → SHA-256 of the uncompressed file read. */
  indices: Record<string, string>;
  reports: Record<string, unknown>;
}

function writeDataset(outDir: string, name: string, built: Built, columns: [string, string], prov: Provenance, extra: Record<string, unknown>, readme: (meta: Record<string, unknown>) => string): Written {
  const dir = path.join(outDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const header = ['split', 'group', 'package', 'kind', ...columns];
  const data = gzipTsv(header, built.rows.map((r) => [r.split, r.group, r.package, r.kind, r.source, r.target]));
  fs.writeFileSync(path.join(dir, 'data.tsv.gz'), data);
  const meta = {
    name,
    file: 'data.tsv.gz',
    format: `gzip'd TSV, header \`${header.join('<TAB>')}\`, no quoting (no cell holds a tab or newline); read by loadDataset`,
    pairs: built.rows.length,
    bytes: data.length,
    split: { ...SPLIT, by: 'group' },
    columns: { source: columns[0], target: columns[1] },
    release: `Debian ${prov.release.version} "${prov.release.codename}" (${prov.release.origin}), InRelease dated ${prov.release.date}`,
    fetched: prov.fetched,
    indices: prov.indices,
    counts: built.counts,
    ...extra,
    generator: 'scripts/make_debian_datasets.ts',
    command: 'npm run datasets',
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'README.md'), readme(meta));
  return { name, pairs: built.rows.length, bytes: data.length };
}

export function writeDatasets(outDir: string, idx: IndexFiles, fetched: string): Written[] {
  const release = readRelease(idx.inRelease);
  const indices: Record<string, string> = {};
  for (const [name, file] of Object.entries(idx.files)) {
    const hash = sha256Of(file);
    const listed = release.sha256.get(name);
    if (listed && listed !== hash) throw new Error(`${file}: SHA-256 ${hash} differs from InRelease's ${listed} for ${name}`);
    indices[name] = hash;
  }
  const built = buildDatasets(idx);
  const prov: Provenance = { fetched, release, indices, reports: built.reports };
  return [
    writeDataset(outDir, 'debian-en-fr', built.enFr, ['en', 'fr'], prov, { paragraphCheck: built.check, reading: built.reports }, (m) => readmeEnFr(m, built, prov)),
    writeDataset(outDir, 'debian-summaries', built.summaries, ['description', 'synopsis'], prov, { reading: { en: built.reports.en, packages: built.reports.packages } }, (m) => readmeSummaries(m, built, prov)),
  ];
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const sample = (rows: Row[], kind: string, n: number) =>
  rows.filter((r) => r.kind === kind && r.split === 'test').filter((_, i) => i % 97 === 0).slice(0, n).map((r) => `| ${r.package} | ${cell(r.source)} | ${cell(r.target)} |`).join('\n');
const countsTable = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `| ${k} | ${v} |`).join('\n');

function common(meta: Record<string, unknown>, prov: Provenance): string {
  const idx = Object.entries(prov.indices).map(([n, h]) => `\`${n}\` (sha256 \`${h.slice(0, 16)}…\`)`).join(', ');
  return `| file | \`data.tsv.gz\`, ${meta.pairs} pairs, ${meta.bytes} bytes: ${meta.format} |
| release | ${meta.release} |
| index files | ${idx}; full SHA-256 in meta.json, each checked against the signed InRelease |
| fetched | ${prov.fetched} |
| split | by group: \`splitGroups(rows, group, { seed: ${SPLIT.seed}, valid: ${SPLIT.valid}, test: ${SPLIT.test} })\`, stored in the \`split\` column (what \`loadDataset\` returns) |
| regenerate | \`npm run datasets\` (a maintainer's machine with apt and the network: the Debian archive moves on, so counts change) |`;
}

const DEDUPE = `## How near-duplicates are kept apart

Debian has many near-identical descriptions: one per kernel ABI (\`linux-headers-6.1.0-NN-*\`), and the
\`-dev\`, \`-doc\`, \`-data\`, \`-common\` siblings of one source package that share a long description. So:

1. **One record per description.** Packages that share a \`Description-md5\` share the text; the first by name is kept.
2. **Dedupe.** Pairs whose English text is equal after normalisation (NFKC, lower case, every number → 0,
   punctuation and spacing → one space) keep one pair: the one from the package named like its source package,
   else the first by name. \`linux-headers-6.1.0-10-amd64\` and \`linux-headers-6.1.0-13-amd64\` are then one pair.
3. **Group.** Each package belongs to its **source package**, read from the \`Source:\` field of
   \`main/binary-amd64/Packages\` (a package without one is its own source; a package not in the amd64 index,
   i.e. of another architecture only, uses its own name). Source names that differ only by a \`-signed[-arch]\`
   suffix are one family (\`linux-signed-amd64\` builds the signed images of \`linux\`). Families that share a
   normalised English text (also the duplicates dropped in step 2) are joined into one group (union–find), unless
   more than ${MAX_SHARING} families share it: such a text is boilerplate ("This package contains the documentation.",
   the Node.js or Ada introductions), kept once by step 2, and joining on it would make one group of a tenth of the
   data. The \`group\` column names the group (its smallest member).
4. **What is left.** Descriptions written from one template by different source packages (\`apertium-afr-nld\`,
   \`apertium-cat-ita\`, ...: "Data package providing Apertium language resources for translating between the X
   and Y languages") are neither duplicates nor one source: they can fall on both sides. The count "test sources
   whose first 6 normalised words open a train source" above measures how many test pairs look like that (many are
   harmless openings such as "This package contains the ...").
5. **Split by group.** Groups are sorted, shuffled with seed ${SPLIT.seed} and dealt out: a group goes to test while
   it fits in 10 % of the pairs, else to valid while it fits in 10 %, else to train. So every sibling of a
   source package, and every text shared across families, is on one side; a group larger than 10 % would train.

Why source packages and not a name heuristic: the \`Source:\` field is what Debian itself records, and it
catches siblings whose names share nothing (\`0ad-data\` and \`0ad\`, \`gir1.2-gtk-3.0\` and \`libgtk-3-0\`).
\`tests/datasets.test.ts\` checks that no group and no English text straddles two splits.`;

function licence(extraTranslations: boolean): string {
  return `## What the text is, and its terms

- The English synopses and long descriptions were written by the Debian maintainers of each package (often
  from upstream's own wording), in the package's \`debian/control\` file; Debian publishes them in
  \`Translation-en\`. They are part of each package's source, so they are under that package's copyright and
  licence (in \`main\`, always a licence that meets the Debian Free Software Guidelines, i.e. allows
  redistribution and modification; which licence varies by package: GPL, BSD, MIT, Apache, ...).
${extraTranslations ? `- The French texts are the human translations of the **Debian Description Translation Project** (DDTP,
  https://www.debian.org/international/l10n/ddtp), contributed by volunteer translators through the DDTSS web
  interface and reviewed (by default three reviews), keyed by the English text's \`Description-md5\`. Debian
  publishes them in \`Translation-fr\` in the same archive.
` : ''}- What could **not** be verified: ${extraTranslations ? 'we found no statement by the DDTP of the licence under which the translations are\n  contributed or distributed (its pages say only that non-free descriptions are not translated because their\n  licences could forbid translation, which suggests it treats translations as derived from the descriptions under\n  the packages\' licences); ' : ''}no per-record licence is recorded in the indices, and we did not check each
  package's \`debian/copyright\` for the licence of its \`debian/\` folder. Debian redistributes these files
  freely from every mirror; we redistribute an excerpt on the same footing, for teaching and research, with this
  attribution. If you need certainty for a particular use, check the packages concerned (the \`package\` column
  names them).
- The generator (\`scripts/make_debian_datasets.ts\`) is MIT, like the rest of the repository.`;
}

function readmeEnFr(meta: Record<string, unknown>, built: ReturnType<typeof buildDatasets>, prov: Provenance): string {
  const c = built.check;
  const refused = Object.entries(c.refused).map(([k, v]) => `${k}: ${v}`).join('; ');
  return `# Debian package descriptions, English → French

Real text: the synopses (one line, median about 7 words, "complete Go board" → "jeu de go complet") and the
paragraphs of the long descriptions of Debian ${prov.release.version} "${prov.release.codename}" packages, paired with
their French translations by the Debian Description Translation Project. \`kind\` is \`synopsis\` or \`paragraph\`;
\`loadDataset('debian-en-fr', { kind: 'synopsis' })\` keeps one kind (after the split, so groups stay apart).

| | |
|---|---|
${common(meta, prov)}
| licence | see below: the packages' own licences (English), DDTP translators (French); not fully verified |

## Counts

| | |
|---|---|
| English descriptions (\`Translation-en\`, one per \`Description-md5\`) | ${built.summaries.counts['English descriptions']} |
${countsTable(built.enFr.counts)}

Reading: ${JSON.stringify(prov.reports)}.

## Paragraph pairs: how the alignment was checked

Translations are keyed by the md5 of the exact English text, so a translation never lags behind its English
description. A long description is split into paragraphs at its \` .\` lines. Of ${c.sameCount + c.differentCount}
translated descriptions, ${c.sameCount} have as many French paragraphs as English ones and are paired paragraph by
paragraph; the ${c.differentCount} others give only their synopsis. Of the ${c.pairs} prose paragraph pairs so
found, refused: ${refused || 'none'}. The checks: the French paragraph is 0.6 to 2.2 times the English one's length in
characters (French runs about 1.15×), and both contain the same numbers (versions, sizes, years). Preformatted
paragraphs (lines with two leading spaces: lists, code) are left out. Reading a sample of the test pairs below by
eye found them to be translations of each other.

Test pairs (every 97th):

| package | en | fr |
|---|---|---|
${sample(built.enFr.rows, 'synopsis', 6)}
${sample(built.enFr.rows, 'paragraph', 3)}

${DEDUPE}

${licence(true)}
`;
}

function readmeSummaries(meta: Record<string, unknown>, built: ReturnType<typeof buildDatasets>, prov: Provenance): string {
  return `# Debian package descriptions: first paragraph → synopsis

A small summarisation task on real text: the source is the first paragraph of a Debian ${prov.release.version}
"${prov.release.codename}" package's long description (running prose, 8 to ${MAX_WORDS} words), the target is the
package's one-line synopsis. Paragraphs that are preformatted (lists, code) or no longer than the synopsis are
left out.

| | |
|---|---|
${common(meta, prov)}
| licence | see below: the packages' own licences; not fully verified |

## Counts

| | |
|---|---|
${countsTable(built.summaries.counts)}

Reading \`Translation-en\`: ${JSON.stringify(prov.reports.en)}.

Test pairs (every 97th):

| package | first paragraph | synopsis |
|---|---|---|
${sample(built.summaries.rows, 'summary', 6)}

${DEDUPE}

${licence(false)}
`;
}

export function main(argv: string[]): void {
  const args = argv.slice();
  const at = args.indexOf('--indices');
  const given = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const out = path.resolve(args[0] ?? path.join(__dirname, '..', '..', 'datasets'));
  const tmp = given ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'aw-debian-'));
  try {
    let idx: IndexFiles;
    if (given) {
      const files: Record<string, string> = {};
      for (const [key, name] of Object.entries(INDEX)) files[name] = path.join(given, key === 'packages' ? 'Packages' : path.basename(name));
      idx = { dir: given, files, inRelease: path.join(given, 'InRelease') };
    } else {
      idx = fetchIndices(tmp!);
    }
    // apt dates the files it stores by the server's Last-Modified, so the fetch date is the folder's (or today)
    const fetched = new Date(given ? fs.statSync(given).mtimeMs : Date.now()).toISOString().slice(0, 10);
    for (const w of writeDatasets(out, idx, fetched)) console.log(`${w.name}: ${w.pairs} pairs, ${w.bytes} bytes`);
    console.log(`written to ${out}`);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) main(process.argv.slice(2));
