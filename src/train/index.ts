// Training: masked loss/accuracy, gradient clipping, the training loop.
export { clipByGlobalNorm, maskedCrossEntropy, tokenAccuracy } from './loss';
export { evaluate, train, type EpochLog, type TrainConfig, type TrainResult } from './trainer';
export { fastAndAutodiffGradients, GRADIENT_TOLERANCE, gradientAgreement, gradientCheck, type GradientAgreement, type GradientPair, type GradientSets } from './fast/check';
