// npm run train -- <config.json>
// Trains a seq2seq model on a bundled dataset as the config says, keeps the best epoch (validation
// loss) in the output folder, and reports exact match and BLEU on the test split (and ROUGE-L for debian-summaries).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copySplits, corpusBleu, corpusRouge, DATASET_NAMES, DatasetName, encodePairs, exactMatch, formatBackendReport, generateStories, newStoryPairs, prepareTask, saveModel, Seq2Seq, Seq2SeqConfig, SplitVocabOptions, StoryOptions, StoryPair, TaskBpeOptions, train, TrainConfig, translate, validateTrainConfig } from '../src';

interface RunConfig {
  dataset: DatasetName;
  /** Debian datasets: keep one kind of pair, e.g. "synopsis" for debian-en-fr. */
  kind?: string;
  /**
   * Subwords: `{ "type": "bpe", "merges": 4000 }` learns BPE merges on the training split (joint over both
   * sides unless `"joint": false`); the merges are saved with the model, so translate applies them.
   */
  tokenizer?: TaskBpeOptions;
  /** Lower-case both sides (prepareTask's `lowercase`; saved in the model's tokenizers). */
  lowercase?: boolean;
  /** Cut every source to its first N tokens (prepareTask's `sourceTokens`; recorded in report.json for summarise). */
  sourceTokens?: number;
  /** Vocabulary limits, e.g. `{ "source": { "maxSize": 8000 }, "target": { "maxSize": 4000 } }` (prepareTask's `vocab`). */
  vocab?: SplitVocabOptions;
  /**
   * Stories dataset: more training stories, `{ "seed": 1, "perKind": 6000 }` (generateStories' options), those that
   * none of the bundled stories tells (newStoryPairs), encoded with the bundled training split's vocabularies: chapter 09's set.
   */
  moreStories?: StoryOptions;
  model: Omit<Seq2SeqConfig, 'sourceVocabSize' | 'targetVocabSize'>;
  /**
   * Training settings (TrainConfig): also `freeze` and `learningRates` by model part, `checkpointDir` (a
   * training checkpoint after every epoch) and `resumeFrom` (continue one exactly); folders are relative
   * to the config file. `anchor: { "weight": λ }` pulls the weights toward those of `init` while fine-tuning.
   */
  train: Omit<TrainConfig, 'progress' | 'onBest' | 'onEpochEnd' | 'init' | 'title'>;
  /**
   * A model folder to start from (relative to the config file): its weights, with embedding rows and
   * output columns carried over by token into this dataset's vocabularies (new tokens start fresh). The
   * model settings must be its own (the seed aside).
   */
  init?: string;
  /** Output folder for the model (relative to the config file). */
  out: string;
  /** Beam width for the test-set evaluation (default 1). */
  beam?: number;
}

const KEYS = {
  '': ['dataset', 'kind', 'tokenizer', 'lowercase', 'sourceTokens', 'vocab', 'moreStories', 'model', 'train', 'out', 'beam', 'init'],
  vocab: ['minFreq', 'maxSize', 'source', 'target'],
  moreStories: ['seed', 'perKind', 'minSentences', 'maxSentences', 'kinds'],
  model: ['kind', 'cell', 'encoder', 'luongScore', 'embeddingDim', 'units', 'attentionUnits', 'seed', 'dropout', 'copy', 'coverage', 'coverageWeight'],
  train: ['epochs', 'batchSize', 'seed', 'optimizer', 'learningRate', 'lrDecay', 'clipNorm', 'earlyStopping', 'restoreBest', 'maxBatchesPerEpoch', 'step', 'learningRates', 'freeze', 'checkpointDir', 'resumeFrom', 'warmup', 'labelSmoothing', 'anchor'],
} as const;

/** The first key of the config that is not one of ours, as "train.foo", or undefined. */
function unknownKey(cfg: Record<string, unknown>): string | undefined {
  for (const [section, allowed] of Object.entries(KEYS)) {
    const obj = section ? cfg[section] : cfg;
    if (obj === undefined || typeof obj !== 'object' || obj === null) continue;
    for (const k of Object.keys(obj)) if (!(allowed as readonly string[]).includes(k)) return `${section ? `${section}.` : ''}${k}" (allowed${section ? ` in "${section}"` : ''}: ${allowed.join(', ')})`;
  }
  return undefined;
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
  const unknown = unknownKey(cfg as unknown as Record<string, unknown>);
  if (unknown) fail(`${file}: unknown key "${unknown}`);
  const here = (p: string | undefined) => (p === undefined ? undefined : path.resolve(path.dirname(file), p));
  const trainCfg: TrainConfig = { ...cfg.train, checkpointDir: here(cfg.train.checkpointDir), resumeFrom: here(cfg.train.resumeFrom) };
  try {
    validateTrainConfig({ ...trainCfg, init: cfg.init });
  } catch (e) {
    fail(`${file}: in "train": ${(e as Error).message.replace(/^train: /, '')}`);
  }
  if (cfg.init !== undefined && (typeof cfg.init !== 'string' || !fs.existsSync(path.join(here(cfg.init)!, 'model.json')))) fail(`${file}: "init" must name a model folder (with model.json), not ${JSON.stringify(cfg.init)}`);
  const tk = cfg.tokenizer;
  if (tk !== undefined && (tk.type !== 'bpe' || !Number.isInteger(tk.merges) || tk.merges < 1)) {
    fail(`${file}: "tokenizer" must be { "type": "bpe", "merges": N } with N a positive integer, not ${JSON.stringify(tk)}`);
  }
  console.log(`[train] ${formatBackendReport()}`);
  const t0 = performance.now();
  let task: ReturnType<typeof prepareTask>;
  try {
    task = prepareTask(cfg.dataset, { kind: cfg.kind, tokenizer: tk, lowercase: cfg.lowercase, sourceTokens: cfg.sourceTokens, vocab: cfg.vocab });
  } catch (e) {
    fail(`${file}: ${(e as Error).message}`);
  }
  if (cfg.moreStories !== undefined) {
    if (cfg.dataset !== 'stories') fail(`${file}: "moreStories" is for the dataset "stories", not ${JSON.stringify(cfg.dataset)}`);
    let extra: StoryPair[];
    try {
      extra = newStoryPairs(generateStories(cfg.moreStories), task.dataset.pairs as StoryPair[]);
    } catch (e) {
      fail(`${file}: in "moreStories": ${(e as Error).message}`);
    }
    // the dataset's training split too: copySplits encodes from it
    task = { ...task, dataset: { ...task.dataset, train: [...task.dataset.train, ...extra] }, train: [...task.train, ...encodePairs(extra, task)] };
    console.log(`[train] moreStories: ${extra.length} generated stories added to the ${task.train.length - extra.length} bundled training stories`);
  }
  if (tk) console.log(`[train] BPE: ${tk.merges} merges learned on the training split (${tk.joint === false ? 'per side' : 'joint'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; vocabularies ${task.sourceVocab.size} / ${task.targetVocab.size}`);
  const model = new Seq2Seq({ ...cfg.model, sourceVocabSize: task.sourceVocab.size, targetVocabSize: task.targetVocab.size });
  const bundle = { model, sourceVocab: task.sourceVocab, targetVocab: task.targetVocab, sourceTokenizer: task.sourceTokenizer, targetTokenizer: task.targetTokenizer };
  const out = path.resolve(path.dirname(file), cfg.out);
  console.log(`[train] ${cfg.dataset}${cfg.kind ? ` (${cfg.kind})` : ''}: ${task.train.length} train / ${task.valid.length} valid / ${task.test.length} test pairs; ${model.countParams()} parameters; saving to ${out}`);
  const init = cfg.init === undefined ? undefined : { from: here(cfg.init)!, sourceVocab: task.sourceVocab, targetVocab: task.targetVocab };
  const data = cfg.model.copy ? copySplits(task) : task; // a copy model trains on examples with copy ids
  const result = await train(model, data, { ...trainCfg, init, progress: 'text', title: `${cfg.model.kind} on ${cfg.dataset}`, onBest: () => saveModel(out, bundle) });
  if (result.init) console.log(`[train] started from ${result.init.from}: source rows ${result.init.source.kept} kept, ${result.init.source.added} new; target ${result.init.target.kept} kept, ${result.init.target.added} new`);
  const outputs = translate(bundle, task.dataset.test.map((p) => p.source), { beam: cfg.beam });
  const refs = task.dataset.test.map((p) => p.target);
  const hyps = outputs.map((o) => o.text);
  const chars = cfg.dataset === 'phrases-zh' ? { tokenize: (s: string) => Array.from(s.replace(/\s+/g, '')) } : {};
  const report = {
    dataset: cfg.dataset,
    ...(cfg.kind ? { kind: cfg.kind } : {}),
    ...(tk ? { tokenizer: tk } : {}),
    ...(cfg.lowercase !== undefined ? { lowercase: cfg.lowercase } : {}),
    ...(cfg.sourceTokens !== undefined ? { sourceTokens: cfg.sourceTokens } : {}),
    ...(cfg.vocab !== undefined ? { vocab: cfg.vocab } : {}),
    ...(cfg.moreStories !== undefined ? { moreStories: cfg.moreStories } : {}),
    model: cfg.model,
    ...(cfg.init ? { init: cfg.init } : {}),
    bestEpoch: result.bestEpoch,
    seconds: Math.round(result.seconds),
    msPerStep: Math.round(result.msPerStep),
    testExactMatch: exactMatch(hyps, refs),
    testBleu: corpusBleu(hyps, refs, chars).score,
    ...(cfg.dataset === 'debian-summaries' ? { testRougeL: corpusRouge(refs, hyps).mean.rougeL.fmeasure } : {}),
  };
  fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  const rouge = report.testRougeL === undefined ? '' : `, ROUGE-L ${(100 * report.testRougeL).toFixed(1)}`;
  console.log(`[train] test: exact match ${(100 * report.testExactMatch).toFixed(2)} %, BLEU ${report.testBleu.toFixed(2)}${rouge} (best epoch ${result.bestEpoch}, ${report.seconds} s)`);
  const where = path.relative(process.cwd(), out) || '.';
  const first = task.dataset.test[0];
  if (cfg.dataset === 'stories') {
    const story = first as StoryPair;
    console.log(`[train] try it: npm run answer -- ${where} --story-text "${story.sentences.join(' ')}" "${story.question}" --why`);
  } else {
    console.log(`[train] try it: npm run ${cfg.dataset === 'debian-summaries' ? 'summarise' : 'translate'} -- ${where} "${first.source}"`);
  }
}

main().catch((e) => fail((e as Error).message));
