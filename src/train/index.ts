// Training: masked loss/accuracy, gradient clipping, the training loop.
export { clipByGlobalNorm, maskedCrossEntropy, tokenAccuracy } from './loss';
export { evaluate, train, type EpochLog, type TrainConfig, type TrainResult } from './trainer';
export { fastAndAutodiffGradients, type GradientPair, type GradientSets } from './fast/check';
