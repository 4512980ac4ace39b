import { byCodeUnits } from '@biofuse/core';
import { POSITIVE_NORMALISER_KINDS, type NormaliserKind } from '@biofuse/fusion';
import { chimericSystemNames } from '../sources/chimeric';
import type { DatasetConfig, ExperimentConfig, FusionConfig } from './schema';

/** Loaders whose datasets already hold scores: no samples, so no sample quality either. */
const SCORE_LOADERS: readonly string[] = ['score-matrix', 'simulated-scores', 'scores-csv'];

/** Whether the loader gives scores already, not samples a modality compares. */
export function isScoreLoader(loader: string): boolean {
  return SCORE_LOADERS.includes(loader);
}

/**
 * The systems a dataset gives, named and ordered as a run names them; undefined where only the
 * data tells (a scores-csv file names its systems in its header). A score-matrix dataset lists
 * its systems in name order: a YAML mapping has no order the config hash could keep.
 */
export function datasetSystems(d: DatasetConfig | ChimericSourceDataset, pipeline: ExperimentConfig['pipeline']): string[] | undefined {
  switch (d.loader) {
    case 'score-matrix':
      return systemOrder(Object.keys(d.systems));
    case 'simulated-scores':
      return d.modalities.map((m) => m.name);
    case 'scores-csv':
      return undefined;
    case 'chimeric': {
      const names: string[] = [];
      for (const s of d.sources) {
        const inner = datasetSystems(s.dataset, s.pipeline);
        if (!inner) return undefined;
        names.push(...chimericSystemNames(s.name, inner));
      }
      return names;
    }
    default:
      // A dataset of samples is compared by one modality: one system, named after it.
      return pipeline ? [pipeline.modality] : undefined;
  }
}

type ChimericSourceDataset = Extract<DatasetConfig, { loader: 'chimeric' }>['sources'][number]['dataset'];

/** The order systems named by a mapping take: by name, code unit by code unit (as the config hash sorts keys). */
export function systemOrder(names: readonly string[]): string[] {
  return [...names].sort(byCodeUnits);
}

/** Whether some comparison of the dataset can carry a sample quality (only a modality's samples can). */
function mayCarryQuality(d: DatasetConfig | ChimericSourceDataset): boolean {
  if (d.loader === 'chimeric') return d.sources.some((s) => mayCarryQuality(s.dataset));
  return !isScoreLoader(d.loader);
}

/** The fusion block's problems that the config alone shows, each naming its key. */
export function fusionProblems(config: ExperimentConfig, f: FusionConfig): string[] {
  const d = config.dataset;
  const problems: string[] = [];
  const systems = datasetSystems(d, config.pipeline);
  if (f.inputs) {
    if (new Set(f.inputs).size !== f.inputs.length) problems.push(`fusion.inputs: a system is named twice (${f.inputs.join(', ')})`);
    if (systems) for (const name of f.inputs) if (!systems.includes(name)) problems.push(`fusion.inputs: "${name}" is not a system of the dataset (${systems.join(', ')})`);
    if (f.inputs.length < 2) problems.push(`fusion.inputs: fusion combines at least two systems; ${f.inputs.join(', ')} is one`);
  } else if (systems && systems.length < 2) {
    problems.push(`fusion: the ${d.loader} loader gives one system (${systems.join(', ')}) and fusion needs at least two; fuse the systems of a score dataset or of a chimeric one`);
  }
  const inputs = f.inputs ?? systems;
  f.methods.forEach((m, i) => {
    const at = `fusion.methods.${i}`;
    if (m.weights) problems.push(...weightProblems(m.weights, f.inputs, inputs, at));
    if (m.weights && m.method !== 'weighted-sum') problems.push(`${at}.weights: only weighted-sum takes weights`);
    if (m.maxComponents !== undefined && m.method !== 'likelihood-ratio') problems.push(`${at}.maxComponents: only likelihood-ratio takes maxComponents`);
    if (m.l2 !== undefined && m.method !== 'logistic') problems.push(`${at}.l2: only logistic takes l2`);
    if (m.qualityWeighted && m.method !== 'sum' && m.method !== 'weighted-sum') problems.push(`${at}.qualityWeighted: only sum and weighted-sum weigh by quality`);
    // Accepted, it changed nothing: every weight was scaled by a quality that no input has.
    if (m.qualityWeighted && !mayCarryQuality(d)) problems.push(`${at}.qualityWeighted: a ${d.loader} dataset holds scores without sample quality, so nothing would be weighted; remove qualityWeighted`);
    if (m.relevance !== undefined && m.method !== 'user-weighted-sum') problems.push(`${at}.relevance: only user-weighted-sum takes relevance`);
    if (m.method === 'user-weighted-sum' && f.protocol !== 'within-subject') {
      problems.push(`${at}: user-weighted-sum learns weights per enrolled user, so it needs fusion.protocol: within-subject (under subject-disjoint folds every test user is unseen)`);
    }
    if (m.normaliser !== undefined && m.method === 'logistic') problems.push(`${at}.normaliser: logistic regression standardises its inputs itself`);
    // Refused before any data is read, as RuleFusion would refuse it after.
    if (m.method === 'product' && m.normaliser !== undefined && !POSITIVE_NORMALISER_KINDS.includes(m.normaliser as NormaliserKind)) {
      problems.push(`${at}.normaliser: product needs positive scores (${POSITIVE_NORMALISER_KINDS.join(', ')}); ${m.normaliser} gives 0 or below`);
    }
    const decision = m.method === 'and' || m.method === 'or' || m.method === 'majority';
    if (m.targetFmr !== undefined && !decision) problems.push(`${at}.targetFmr: only the decision rules (and, or, majority) take targetFmr`);
    if (decision && m.normaliser !== undefined) problems.push(`${at}.normaliser: decision rules threshold raw scores`);
  });
  return problems;
}

/**
 * Weights are given by system name. A list is taken only beside `fusion.inputs`, whose order it
 * follows: matched to the dataset's own order it attached to whichever system a YAML mapping
 * happened to list first, which the config hash (keys sorted) could not tell apart. Checked again
 * at run time, where a scores-csv dataset's systems are known.
 */
export function weightProblems(weights: readonly number[] | Readonly<Record<string, number>>, listed: readonly string[] | undefined, inputs: readonly string[] | undefined, at: string): string[] {
  if (Array.isArray(weights)) {
    if (!listed) return [`${at}.weights: a list of weights has no system order to follow; name the systems (weights: { <system>: <weight>, ... }) or list fusion.inputs`];
    return weights.length === listed.length ? [] : [`${at}.weights: ${weights.length} weights for ${listed.length} inputs (${listed.join(', ')})`];
  }
  return inputs ? weightNameProblems(Object.keys(weights), inputs, at) : [];
}

/** A mapping of weights names every fused system once, and only those. */
function weightNameProblems(named: readonly string[], inputs: readonly string[], at: string): string[] {
  const out: string[] = [];
  const extra = named.filter((n) => !inputs.includes(n));
  const missing = inputs.filter((n) => !named.includes(n));
  if (extra.length > 0) out.push(`${at}.weights: ${extra.map((n) => `"${n}"`).join(', ')} ${extra.length === 1 ? 'is not a fused system' : 'are not fused systems'} (${inputs.join(', ')})`);
  if (missing.length > 0) out.push(`${at}.weights: no weight for ${missing.map((n) => `"${n}"`).join(', ')}; give every fused system one (${inputs.join(', ')})`);
  return out;
}
