// The datasets bundled in datasets/, loaded with their fixed split.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Loaded, Pair, readAnkiPairs, readSplitTsv, readTablePairs } from './corpus';
import { splitData, Splits } from './split';
import { readStories } from './stories';

/** Repository root: this file runs from build/src/data. */
export const DATASETS_DIR = path.resolve(__dirname, '..', '..', '..', 'datasets');

export type DatasetName = 'dates' | 'phrases-fr' | 'phrases-zh' | 'reverse' | 'debian-en-fr' | 'debian-summaries' | 'stories';
export const DATASET_NAMES: readonly DatasetName[] = ['dates', 'phrases-fr', 'phrases-zh', 'reverse', 'debian-en-fr', 'debian-summaries', 'stories'];

/** The datasets made of Debian package descriptions: gzip'd TSV with a stored split by group. */
const GROUPED: readonly DatasetName[] = ['debian-en-fr', 'debian-summaries'];
/** The datasets whose pairs have kinds that `{ kind }` selects. */
const KINDED: readonly DatasetName[] = [...GROUPED, 'stories'];

export interface DatasetMeta {
  name: string;
  file: string;
  pairs: number;
  bytes: number;
  seed: number;
  /**
   * How the split was made; `by: 'group'` for the Debian datasets (splitGroups, stored in the file), `by: 'kind'`
   * for the stories (splitData within each kind, stored in the file).
   */
  split: { seed: number; valid: number; test: number; by?: 'group' | 'kind' };
  /** The CLDR datasets: the ICU they were generated with. */
  icu?: string;
  cldr?: string;
  unicode?: string;
  /** The Debian datasets: release, fetch date, index files (SHA-256), source and target columns, counts. */
  release?: string;
  fetched?: string;
  indices?: Record<string, string>;
  columns?: { source: string; target: string };
  counts?: Record<string, number>;
  /** The stories: the options generateStories was called with. */
  options?: Record<string, unknown>;
}

/** A pair of a Debian dataset: which source-package group and package it comes from, and its kind. */
export interface GroupedPair extends Pair {
  group: string;
  package: string;
  /** debian-en-fr: 'synopsis' or 'paragraph'; debian-summaries: 'summary'. */
  kind: string;
}

export interface DatasetLoadOptions {
  /** Debian datasets and stories: keep only pairs of this kind (after the split, so groups stay apart). */
  kind?: string;
}

export interface Dataset extends Loaded, Splits<Pair> {
  name: DatasetName;
  meta: DatasetMeta;
  /** Milliseconds spent reading and parsing the file. */
  loadMs: number;
}

export function datasetMeta(folder: string): DatasetMeta {
  const file = path.join(DATASETS_DIR, folder, 'meta.json');
  if (!fs.existsSync(file)) throw new Error(`no bundled dataset "${folder}" (looked for ${file})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DatasetMeta;
}

/**
 * Loads a bundled dataset and splits it the one documented way (datasets/<name>/meta.json "split"),
 * so every notebook and the CLI train and test on the same pairs.
 */
export function loadDataset(name: DatasetName, opts: DatasetLoadOptions = {}): Dataset {
  if (!DATASET_NAMES.includes(name)) throw new Error(`loadDataset: unknown dataset "${name}"; choose one of ${DATASET_NAMES.join(', ')}`);
  if (GROUPED.includes(name)) return loadGrouped(name, opts);
  if (name === 'stories') return loadStories(opts);
  if (opts.kind !== undefined) throw new Error(`loadDataset: "${name}" has no kinds; { kind } is for ${KINDED.join(', ')}`);
  const folder = name.startsWith('phrases') ? 'phrases' : name;
  const meta = datasetMeta(folder);
  const file = path.join(DATASETS_DIR, folder, meta.file);
  const t0 = performance.now();
  const loaded = name.startsWith('phrases')
    ? readTablePairs(file, { source: 'en', target: name.slice('phrases-'.length) })
    : readAnkiPairs(file);
  const loadMs = performance.now() - t0;
  return { name, meta, loadMs, ...loaded, ...splitData(loaded.pairs, meta.split) };
}

/** The bAbI-style stories (datasets/stories/data.tsv.gz, see readStories): pairs are StoryPairs, split stored in the file. */
function loadStories(opts: DatasetLoadOptions): Dataset {
  const meta = datasetMeta('stories');
  const t0 = performance.now();
  const loaded = readStories(path.join(DATASETS_DIR, 'stories', meta.file), opts.kind);
  return { name: 'stories', meta, loadMs: performance.now() - t0, ...loaded };
}

/**
 * Reads a Debian dataset (datasets/<name>/data.tsv.gz: `split, group, package, kind, <source>, <target>`, no
 * quoting) with the split stored in it. A wrong header, column count, split name or empty cell is an error
 * naming the file and line (readSplitTsv): the file is generated, so any of these means it is damaged.
 */
function loadGrouped(name: DatasetName, opts: DatasetLoadOptions): Dataset {
  const meta = datasetMeta(name);
  const file = path.join(DATASETS_DIR, name, meta.file);
  const t0 = performance.now();
  const columns = meta.columns ?? { source: 'source', target: 'target' };
  const header = ['split', 'group', 'package', 'kind', columns.source, columns.target];
  const loaded = readSplitTsv(file, header, (cells, line): GroupedPair => {
    const [, group, pkg, kind, source, target] = cells;
    return { source, target, line, group, package: pkg, kind };
  }, { kind: opts.kind, dataset: name });
  const loadMs = performance.now() - t0;
  return { name, meta, loadMs, ...loaded };
}
