// Saving and loading a seq2seq model as a folder: model.json (config, vocabularies, tokenizers and the
// weight manifest, written by tfjs' file:// handler) and weights.bin.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTokenizer, Tokenizer, TokenizerSpec, Vocabulary } from '../data';
import { tf } from '../tf';
import { Seq2SeqConfig } from './config';
import { Seq2Seq } from './model';

export const MODEL_FORMAT = 'attention-workbook/seq2seq@1';

export interface ModelBundle {
  model: Seq2Seq;
  sourceVocab: Vocabulary;
  targetVocab: Vocabulary;
  sourceTokenizer: Tokenizer;
  targetTokenizer: Tokenizer;
}

interface Topology {
  format: typeof MODEL_FORMAT;
  config: Seq2SeqConfig;
  sourceVocab: ReturnType<Vocabulary['toJSON']>;
  targetVocab: ReturnType<Vocabulary['toJSON']>;
  sourceTokenizer: TokenizerSpec;
  targetTokenizer: TokenizerSpec;
}

export async function saveModel(dir: string, b: ModelBundle): Promise<void> {
  if (b.sourceVocab.size !== b.model.config.sourceVocabSize || b.targetVocab.size !== b.model.config.targetVocabSize) {
    throw new Error(`saveModel: vocabulary sizes ${b.sourceVocab.size}/${b.targetVocab.size} do not match the model's ${b.model.config.sourceVocabSize}/${b.model.config.targetVocabSize}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const named = b.model.weights.entries().map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const topology: Topology = {
    format: MODEL_FORMAT,
    config: b.model.config,
    sourceVocab: b.sourceVocab.toJSON(),
    targetVocab: b.targetVocab.toJSON(),
    sourceTokenizer: b.sourceTokenizer.spec,
    targetTokenizer: b.targetTokenizer.spec,
  };
  await tf.io.fileSystem(path.resolve(dir)).save({
    modelTopology: topology as object,
    weightSpecs: specs,
    weightData: data,
    format: MODEL_FORMAT,
    generatedBy: 'attention-workbook',
  });
}

export async function loadModel(dir: string): Promise<ModelBundle> {
  const file = path.resolve(dir, 'model.json');
  if (!fs.existsSync(file)) throw new Error(`loadModel: no model at ${dir} (expected ${file}; train one with npm run train)`);
  const artifacts = await tf.io.fileSystem(file).load();
  const topo = artifacts.modelTopology as unknown as Topology;
  if (topo?.format !== MODEL_FORMAT) throw new Error(`loadModel: ${file} is not an attention-workbook seq2seq model (format ${JSON.stringify(topo?.format)})`);
  const model = new Seq2Seq(topo.config);
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  for (const [name, v] of model.weights.entries()) {
    const w = weights[name];
    if (!w) throw new Error(`loadModel: ${file} has no weight ${name}`);
    if (w.shape.join() !== v.shape.join()) throw new Error(`loadModel: weight ${name} has shape [${w.shape}], the model expects [${v.shape}]`);
    v.assign(w);
  }
  tf.dispose(Object.values(weights));
  const sourceVocab = Vocabulary.fromJSON(topo.sourceVocab);
  const targetVocab = Vocabulary.fromJSON(topo.targetVocab);
  return { model, sourceVocab, targetVocab, sourceTokenizer: makeTokenizer(topo.sourceTokenizer), targetTokenizer: makeTokenizer(topo.targetTokenizer) };
}
