/**
 * @biofuse/experiments: YAML experiment configs become reproducible runs (scores.csv,
 * metrics.json, det.json, det.html, det.svg, det.png, manifest.json) and comparison reports across runs.
 */
export { loadExperimentConfig, parseExperimentConfig, parseExperimentConfigObject, configHash } from './config/load-config';
export type { ExperimentConfig, ExperimentConfigInput } from './config/schema';
export { runExperiment, runExperimentFile, experimentDataFiles, experimentModelFiles, modelFingerprint, type RunOptions, type RunResult } from './run/run-experiment';
export { dataFingerprint, listFilesRecursive } from './run/manifest';
export { resolveDataRoot } from './run/data-root';
export type { Evaluation } from './run/evaluate';
export { compareRuns, readRuns } from './report/compare-runs';
export { dPrimeUnavailable, formatMetricsTable, type TableRow } from './report/metrics-table';
export { formatQualityErcTable } from './report/quality-erc-table';
export { textTableLines } from './report/table-layout';
export type { QualityErc } from './run/quality-erc';
export { detPageHtml } from './report/det-page';
export { detFigureSvg } from './report/det-figure';
export { evaluationSummary } from './report/evaluation-summary';
export { AVAILABLE_MODALITIES, createModality, type ModalityFactory, type ModalityRegistry } from './modalities';
export { csvCell, readScoresCsv } from './run/scores-csv';
