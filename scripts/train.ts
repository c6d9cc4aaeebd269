// npm run train -- <config.json>
// Trains a seq2seq model on a bundled dataset as the config says, keeps the best epoch (validation
// loss) in the output folder, and reports exact match and BLEU on the test split.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusBleu, DATASET_NAMES, DatasetName, exactMatch, formatBackendReport, prepareTask, saveModel, Seq2Seq, Seq2SeqConfig, TaskBpeOptions, train, TrainConfig, translate } from '../src';

interface RunConfig {
  dataset: DatasetName;
  /** Debian datasets: keep one kind of pair, e.g. "synopsis" for debian-en-fr. */
  kind?: string;
  /**
   * Subwords: `{ "type": "bpe", "merges": 4000 }` learns BPE merges on the training split (joint over both
   * sides unless `"joint": false`); the merges are saved with the model, so translate applies them.
   */
  tokenizer?: TaskBpeOptions;
  model: Omit<Seq2SeqConfig, 'sourceVocabSize' | 'targetVocabSize'>;
  train: Omit<TrainConfig, 'progress' | 'onBest' | 'onEpochEnd'>;
  /** Output folder for the model (relative to the config file). */
  out: string;
  /** Beam width for the test-set evaluation (default 1). */
  beam?: number;
}

function fail(msg: string): never {
  console.error(`train: ${msg}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) fail('usage: npm run train -- <config.json>   (examples in configs/)');
  if (!fs.existsSync(file)) fail(`no config file ${file}`);
  let cfg: RunConfig;
  try {
    cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as RunConfig;
  } catch (e) {
    fail(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!DATASET_NAMES.includes(cfg.dataset)) fail(`${file}: "dataset" must be one of ${DATASET_NAMES.join(', ')}, not ${JSON.stringify(cfg.dataset)}`);
  for (const k of ['model', 'train', 'out'] as const) if (!cfg[k]) fail(`${file}: missing "${k}"`);
  const tk = cfg.tokenizer;
  if (tk !== undefined && (tk.type !== 'bpe' || !Number.isInteger(tk.merges) || tk.merges < 1)) {
    fail(`${file}: "tokenizer" must be { "type": "bpe", "merges": N } with N a positive integer, not ${JSON.stringify(tk)}`);
  }
  console.log(`[train] ${formatBackendReport()}`);
  const t0 = performance.now();
  const task = prepareTask(cfg.dataset, { kind: cfg.kind, tokenizer: tk });
  if (tk) console.log(`[train] BPE: ${tk.merges} merges learned on the training split (${tk.joint === false ? 'per side' : 'joint'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; vocabularies ${task.sourceVocab.size} / ${task.targetVocab.size}`);
  const model = new Seq2Seq({ ...cfg.model, sourceVocabSize: task.sourceVocab.size, targetVocabSize: task.targetVocab.size });
  const bundle = { model, sourceVocab: task.sourceVocab, targetVocab: task.targetVocab, sourceTokenizer: task.sourceTokenizer, targetTokenizer: task.targetTokenizer };
  const out = path.resolve(path.dirname(file), cfg.out);
  console.log(`[train] ${cfg.dataset}${cfg.kind ? ` (${cfg.kind})` : ''}: ${task.train.length} train / ${task.valid.length} valid / ${task.test.length} test pairs; ${model.countParams()} parameters; saving to ${out}`);
  const result = await train(model, task, { ...cfg.train, progress: 'text', title: `${cfg.model.kind} on ${cfg.dataset}`, onBest: () => saveModel(out, bundle) });
  const outputs = translate(bundle, task.dataset.test.map((p) => p.source), { beam: cfg.beam });
  const refs = task.dataset.test.map((p) => p.target);
  const hyps = outputs.map((o) => o.text);
  const chars = cfg.dataset === 'phrases-zh' ? { tokenize: (s: string) => Array.from(s.replace(/\s+/g, '')) } : {};
  const report = {
    dataset: cfg.dataset,
    ...(cfg.kind ? { kind: cfg.kind } : {}),
    ...(tk ? { tokenizer: tk } : {}),
    model: cfg.model,
    bestEpoch: result.bestEpoch,
    seconds: Math.round(result.seconds),
    msPerStep: Math.round(result.msPerStep),
    testExactMatch: exactMatch(hyps, refs),
    testBleu: corpusBleu(hyps, refs, chars).score,
  };
  fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`[train] test: exact match ${(100 * report.testExactMatch).toFixed(2)} %, BLEU ${report.testBleu.toFixed(2)} (best epoch ${result.bestEpoch}, ${report.seconds} s)`);
  console.log(`[train] try it: npm run translate -- ${path.relative(process.cwd(), out) || '.'} "${task.dataset.test[0].source}"`);
}

main().catch((e) => fail((e as Error).message));
