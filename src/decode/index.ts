// Decoding: greedy, temperature sampling and beam search over any StepDecoder.
export { beamSearch, type BeamOptions } from './beam';
export { decodeBatch, greedyDecode, sampleDecode, type SamplingOptions } from './greedy';
export type { Decoded } from './types';
