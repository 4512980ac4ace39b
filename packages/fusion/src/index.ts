/**
 * @biofuse/fusion: score normalisation and fusion of several modalities' scores: fixed rules,
 * logistic regression and Gaussian-mixture likelihood ratios, with subject-disjoint
 * cross-validation.
 */
export { FusionError } from './errors';
export { validateMultiScores, selectRows, selectModalities, column, MAX_SCORE_MAGNITUDE, type MultiScores } from './multi-scores';
export { fitNormaliser, normaliserFromParams, hampelEstimates, NORMALISER_KINDS, POSITIVE_NORMALISER_KINDS, type FittedNormaliser, type NormaliserKind } from './normalise/normalisers';
export { fuseAll, type FusionMethod, type FittedFusion, type SerializedFusion } from './fusion-method';
export { RuleFusion, ruleFusionFromJSON, type FixedRule, type RuleFusionOptions } from './methods/rule-fusion';
export { LogisticFusion, logisticFusionFromJSON, type LogisticFusionOptions } from './methods/logistic-fusion';
export { LikelihoodRatioFusion, likelihoodRatioFusionFromJSON, type LikelihoodRatioFusionOptions } from './methods/likelihood-ratio-fusion';
export { UserWeightedFusion, userWeightedFusionFromJSON, type UserWeightedFusionOptions } from './methods/user-weighted-fusion';
export { DecisionFusion, decisionFusionFromJSON, type DecisionRule, type DecisionFusionOptions, type FittedDecisionFusion } from './methods/decision-fusion';
export { fitGaussianMixture, fitGaussianMixtureBic, type GaussianMixture } from './methods/gaussian-mixture';
export { fitLogistic, type LogisticModel } from './methods/logistic';
export { crossValidate, subjectFolds, comparisonFolds, type CrossValidationOptions, type CrossValidationProtocol, type CrossValidationResult } from './protocol/cross-validation';
export { multiScoresFromMatrices } from './protocol/score-matrices';
export { FeatureFusion, featureFusionFromJSON, type FeatureViews, type FeatureProjection, type FeatureFusionOptions, type FittedFeatureFusion, type SerializedFeatureFusion } from './feature/feature-fusion';
export { fitPca, fitLda, fitCca, fitDca, project, type LinearProjection } from './feature/projections';
