// The datasets bundled in datasets/, loaded with their fixed split.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Loaded, Pair, readAnkiPairs, readTablePairs } from './corpus';
import { splitData, Splits } from './split';

/** Repository root: this file runs from build/src/data. */
export const DATASETS_DIR = path.resolve(__dirname, '..', '..', '..', 'datasets');

export type DatasetName = 'dates' | 'phrases-fr' | 'phrases-zh' | 'reverse';
export const DATASET_NAMES: readonly DatasetName[] = ['dates', 'phrases-fr', 'phrases-zh', 'reverse'];

export interface DatasetMeta {
  name: string;
  file: string;
  pairs: number;
  bytes: number;
  seed: number;
  split: { seed: number; valid: number; test: number };
  icu: string;
  cldr: string;
  unicode: string;
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
export function loadDataset(name: DatasetName): Dataset {
  if (!DATASET_NAMES.includes(name)) throw new Error(`loadDataset: unknown dataset "${name}"; choose one of ${DATASET_NAMES.join(', ')}`);
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
