// The experiment module's public API: controlled-mixture validation (paper §4) — seeded mixtures,
// trials, baselines and scoring.
export { createRng, deriveSeed, sampleWithoutReplacement, type Rng } from '../common/random.js';
export { sampleFromSimplex } from './simplex.js';
export { meanSquaredError, log10Mse, meanAndSd, normalizeShares } from './metrics.js';
export { BASELINE_METHODS, randomBaseline, uniformBaseline, type BaselineMethod } from './baselines.js';
export { teeBaseline, teeShares, type TeeEstimate } from './tee.js';
export {
  countTokenOccurrences,
  tokenBytes,
  tokenClassificationShares,
  vocabularyBytes,
  type TokenOccurrences,
} from './tc.js';
export { ByteMatcher } from './byte-matcher.js';
export { buildMixture, parseWeights, validateWeights, type MixtureOptions } from './mixture.js';
export { splitCategory, type CategoryHalves } from './halves.js';
export { splitHeldOut, type HeldOutSplit } from './held-out.js';
export {
  runTrial,
  drawTrial,
  trialSeed,
  TRIAL_METHODS,
  type MixtureTrainer,
  type TrialMethod,
  type TrialSettings,
  type TrialContext,
} from './trial.js';
export {
  runValidation,
  summarizeTrials,
  validationTable,
  checkValidateOptions,
  parseCounts,
  parseMethods,
  type ValidateOptions,
} from './validate.js';
export {
  trainTokenizer,
  type TrainerName,
  type TrainTokenizerOptions,
  type MixtureRecord,
  type TrainedTokenizer,
} from './train-tokenizer.js';
