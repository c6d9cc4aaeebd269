// How long learning BPE merges takes:
//   node build/scripts/bench_bpe.js [--merges 8000] [--min-frequency 2] [--dataset NAME] [FILE...]
// --dataset takes a bundled dataset's training split, sources and targets (learned jointly). Each line of
// each FILE is one sentence, or several separated by tabs (a source<TAB>target file gives both sides).
// Words come from the word tokenizer; the learning time excludes reading and splitting into words.
import * as fs from 'node:fs';
import { displayToken, wordTokenizer } from '../src/data/tokenize';
import { learnBpe } from '../src/data/bpe';
import { DATASET_NAMES, DatasetName, loadDataset } from '../src/data/datasets';

function main(argv: string[]): void {
  const opts = { merges: 8000, minFrequency: 2 };
  const files: string[] = [];
  const datasets: DatasetName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--merges' || a === '--min-frequency') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench_bpe: ${a} needs a positive integer, received ${JSON.stringify(argv[i])}`);
      if (a === '--merges') opts.merges = n;
      else opts.minFrequency = n;
    } else if (a === '--dataset') {
      const name = argv[++i] as DatasetName;
      if (!DATASET_NAMES.includes(name)) throw new Error(`bench_bpe: --dataset must be one of ${DATASET_NAMES.join(', ')}, received ${JSON.stringify(name)}`);
      datasets.push(name);
    } else files.push(a);
  }
  if (files.length + datasets.length === 0) throw new Error('usage: node build/scripts/bench_bpe.js [--merges 8000] [--min-frequency 2] [--dataset NAME] [FILE...]');
  const t0 = performance.now();
  const tok = wordTokenizer();
  const words: string[] = [];
  let sentences = 0;
  const add = (s: string) => {
    if (!s.trim()) return;
    sentences++;
    for (const t of tok.tokenize(s)) words.push(displayToken(t));
  };
  for (const name of datasets) for (const p of loadDataset(name).train) [p.source, p.target].forEach(add);
  for (const file of files) for (const line of fs.readFileSync(file, 'utf8').split('\n')) line.split('\t').forEach(add);
  const t1 = performance.now();
  const merges = learnBpe(words, opts);
  const t2 = performance.now();
  const types = new Set(words).size;
  console.log(`${[...datasets.map((d) => `${d} (training split)`), ...files].join(' ')}: ${sentences} sentences, ${words.length} words, ${types} types (read and split in ${((t1 - t0) / 1000).toFixed(2)} s)`);
  console.log(`learnBpe: ${merges.length} merges (asked ${opts.merges}, min frequency ${opts.minFrequency}) in ${((t2 - t1) / 1000).toFixed(2)} s`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
