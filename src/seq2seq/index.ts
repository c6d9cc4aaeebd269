// Seq2seq models: the baseline encoder–decoder and attention decoders (Bahdanau, Luong).
export { encoderWidth, validateConfig, type CellKind, type EncoderKind, type LuongScore, type ModelKind, type Seq2SeqConfig } from './config';
export { Seq2Seq, type ForwardOutput, type Seq2SeqDecodeState, type StepDecoder } from './model';
export { loadModel, MODEL_FORMAT, readModelFolder, saveModel, type ModelBundle } from './io';
export { buildModel, type ModelConfig, type Seq2SeqModel } from './models';
export { translate, type Translation, type TranslateOptions } from './translate';
export type { Encoded } from './encoder';
export { dropoutMasks, outputWidth, type DropoutMasks } from './dropout';
export { COPY_FLOOR, type DecoderState, type Memory, type StepOutput } from './decoder';
