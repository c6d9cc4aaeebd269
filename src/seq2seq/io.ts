// Saving and loading a seq2seq model as a folder: model.json (config, vocabularies, tokenizers and the
// weight manifest, in the layout of tfjs' file:// handler) and weights.bin. A save replaces the folder
// atomically (see ../atomic-folder): a crash during a save leaves the previous model loadable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recoverFolder, writeFolderAtomically } from '../atomic-folder';
import { makeTokenizer, Tokenizer, TokenizerSpec, Vocabulary } from '../data';
import { tf } from '../tf';
import { encodeWeightsFile, readWeightsFile, type WeightSpec } from '../weights-file';
import { buildModel, ModelConfig, Seq2SeqModel } from './models';

export const MODEL_FORMAT = 'attention-workbook/seq2seq@1';

export interface ModelBundle {
  model: Seq2SeqModel;
  sourceVocab: Vocabulary;
  targetVocab: Vocabulary;
  sourceTokenizer: Tokenizer;
  targetTokenizer: Tokenizer;
}

interface Topology {
  format: typeof MODEL_FORMAT;
  /** says which class to build (`kind`): see buildModel */
  config: ModelConfig;
  sourceVocab: ReturnType<Vocabulary['toJSON']>;
  targetVocab: ReturnType<Vocabulary['toJSON']>;
  sourceTokenizer: TokenizerSpec;
  targetTokenizer: TokenizerSpec;
  /** SHA-256 of weights.bin (hex); models saved before it was recorded have none. */
  weightsSha256?: string;
}

export async function saveModel(dir: string, b: ModelBundle): Promise<void> {
  if (b.sourceVocab.size !== b.model.config.sourceVocabSize || b.targetVocab.size !== b.model.config.targetVocabSize) {
    throw new Error(`saveModel: vocabulary sizes ${b.sourceVocab.size}/${b.targetVocab.size} do not match the model's ${b.model.config.sourceVocabSize}/${b.model.config.targetVocabSize}`);
  }
  const named = b.model.weights.entries().map(([name, tensor]) => ({ name, tensor }));
  const { bytes, specs, sha256 } = await encodeWeightsFile(named);
  const topology: Topology = {
    format: MODEL_FORMAT,
    config: b.model.config,
    sourceVocab: b.sourceVocab.toJSON(),
    targetVocab: b.targetVocab.toJSON(),
    sourceTokenizer: b.sourceTokenizer.spec,
    targetTokenizer: b.targetTokenizer.spec,
    weightsSha256: sha256,
  };
  const modelJson = { modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: specs }], format: MODEL_FORMAT, generatedBy: 'attention-workbook' };
  // weights.bin first: model.json, which names it, is the folder's marker
  writeFolderAtomically(dir, { 'weights.bin': bytes, 'model.json': JSON.stringify(modelJson) }, { marker: 'model.json', what: 'saveModel' });
}

/**
 * Reads a model folder's topology and weights, checking that weights.bin has the size its manifest gives
 * and, where recorded, its SHA-256: a truncated or altered file is refused, naming what differs.
 */
export function readModelFolder(dir: string): { topology: Topology; weights: tf.NamedTensorMap; file: string } {
  const recovered = recoverFolder(dir);
  if (recovered) console.warn(`loadModel: ${recovered}`);
  const file = path.resolve(dir, 'model.json');
  if (!fs.existsSync(file)) throw new Error(`loadModel: no model at ${dir} (expected ${file}; train one with npm run train)`);
  let json: { modelTopology?: Topology; weightsManifest?: { paths: string[]; weights: WeightSpec[] }[] };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`loadModel: ${file} is not valid JSON (corrupt?): ${(e as Error).message}`);
  }
  const topo = json?.modelTopology;
  if (topo?.format !== MODEL_FORMAT) throw new Error(`loadModel: ${file} is not an attention-workbook seq2seq model (format ${JSON.stringify(topo?.format)})`);
  const manifest = json.weightsManifest?.[0];
  if (!manifest || json.weightsManifest!.length !== 1 || manifest.paths.length !== 1) throw new Error(`loadModel: ${file} must list one weights file in its weightsManifest`);
  const bin = path.resolve(dir, manifest.paths[0]);
  const weights = readWeightsFile(bin, file, manifest.weights, { who: 'loadModel', what: 'the weights are', sha256: topo.weightsSha256 }); // models saved before the checksum have none
  return { topology: topo, weights, file };
}

export async function loadModel(dir: string): Promise<ModelBundle> {
  const { topology: topo, weights, file } = readModelFolder(dir);
  try {
    const model = buildModel(topo.config);
    try {
      for (const [name, v] of model.weights.entries()) {
        const w = weights[name];
        if (!w) throw new Error(`loadModel: ${file} has no weight ${name}`);
        if (w.shape.join() !== v.shape.join()) throw new Error(`loadModel: weight ${name} has shape [${w.shape}], the model expects [${v.shape}]`);
        v.assign(w);
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
    const sourceVocab = Vocabulary.fromJSON(topo.sourceVocab);
    const targetVocab = Vocabulary.fromJSON(topo.targetVocab);
    return { model, sourceVocab, targetVocab, sourceTokenizer: makeTokenizer(topo.sourceTokenizer), targetTokenizer: makeTokenizer(topo.targetTokenizer) };
  } finally {
    tf.dispose(Object.values(weights));
  }
}
