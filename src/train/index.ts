// Training: masked loss/accuracy, gradient clipping, the training loop.
export { anchorPenalty, disposeAnchor, makeAnchor, withAnchorGradients, type Anchor, type AnchorOptions } from './anchor';
export { clipByGlobalNorm, maskedCrossEntropy, tokenAccuracy } from './loss';
export { evaluate, learningRateAt, makeOptimizer, train, validateTrainConfig, type EpochLog, type OptimizerState, type ScheduledOptimizer, type TrainConfig, type TrainResult } from './trainer';
export { CHECKPOINT_FORMAT, readCheckpoint, type CheckpointMeta, type ResumeSettings } from './checkpoint';
export { MODEL_PARTS, partGroups, partOf, type ModelPart, type PartGroup } from './parts';
export { extendBundleVocabularies, extendVocabulary, initFrom, type InitReport, type InitSource } from './init';
export { fastAndAutodiffGradients, GRADIENT_TOLERANCE, gradientAgreement, gradientCheck, type GradientAgreement, type GradientPair, type GradientSets } from './fast/check';
