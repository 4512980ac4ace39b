import { ConfigError, DatasetError } from '@biofuse/core';
import {
  crossValidate,
  DecisionFusion,
  FusionError,
  LikelihoodRatioFusion,
  LogisticFusion,
  RuleFusion,
  UserWeightedFusion,
  type FusionMethod,
  type MultiScores,
  type NormaliserKind,
  type SerializedFusion,
} from '@biofuse/fusion';
import { weightProblems } from '../config/fusion-rules';
import type { FusionConfig, FusionMethodConfig } from '../config/schema';
import type { ComparisonScores, SystemScores } from '../sources/comparison-scores';

export interface FusionOutcome {
  /** The comparisons tested in some fold, with the input systems and one fused system per method. */
  readonly data: ComparisonScores;
  /** What every method learned in every fold, for fusion.json. */
  readonly models: { readonly name: string; readonly folds: readonly SerializedFusion[] }[];
  /** The subject behind each number the models use (user-specific weights are keyed by it). */
  readonly subjects: readonly string[];
  readonly notes: readonly string[];
}

/**
 * Fuses the configured systems with every method under subject-disjoint k-fold
 * cross-validation (all methods share the folds), and restricts the run to the comparisons that
 * were tested, so single systems and fused ones are measured on the same rows.
 */
export function fuseSystems(data: ComparisonScores, cfg: FusionConfig, seed: number): FusionOutcome {
  const names = cfg.inputs ?? data.systems.map((s) => s.name);
  const inputs = names.map((name) => {
    const s = data.systems.find((x) => x.name === name);
    if (!s) throw new ConfigError(`fusion.inputs: no system "${name}" (have: ${data.systems.map((x) => x.name).join(', ')})`);
    return s;
  });
  if (inputs.length < 2) throw new ConfigError(`fusion needs at least two input systems; it has ${inputs.length === 0 ? 'none' : `only ${names.join(', ')}`}`);
  // Config checks need the systems, which a scores-csv dataset names only once it is read: a mistake here is the config's, not a method that failed to fit.
  const weights = cfg.methods.map((m, i) => inputWeights(m, names, cfg.inputs !== undefined, i));
  cfg.methods.forEach((m, i) => {
    // Accepted, it changed nothing: every weight was scaled by a quality no input has.
    if (m.qualityWeighted && !inputs.some((s) => s.quality)) {
      throw new ConfigError(`fusion.methods.${i}.qualityWeighted: none of ${names.join(', ')} reports sample quality, so nothing would be weighted; remove qualityWeighted`);
    }
  });
  const { multi: ms, subjects } = toMultiScores(data, inputs);
  const fused: SystemScores[] = [];
  const models: FusionOutcome['models'] = [];
  const failures: string[] = [];
  let tested: Int32Array | undefined;
  const foldNotes = new Set<string>();
  for (const [i, m] of cfg.methods.entries()) {
    const name = `fused:${m.name ?? defaultName(m)}`;
    if (fused.some((f) => f.name === name) || data.systems.some((s) => s.name === name)) {
      throw new ConfigError(`fusion.methods: two systems would be called "${name}"; give one a name`);
    }
    let cv: ReturnType<typeof crossValidate>;
    try {
      cv = crossValidate(ms, createFusionMethod(m, seed, weights[i]), { folds: cfg.folds, seed, protocol: cfg.protocol });
    } catch (err) {
      // A method that cannot be fitted on these scores (a constant column, too few genuine
      // scores for a mixture) is reported and left out; the other methods still run.
      if (!(err instanceof FusionError)) throw err;
      failures.push(`${name} could not be fitted and is left out: ${err.message}`);
      continue;
    }
    tested ??= cv.rowFold;
    // All methods share the folds, so a fold without a class is said once.
    for (const n of cv.notes) foldNotes.add(n);
    fused.push({
      name,
      scores: cv.fused,
      errors: Array.from(cv.fused, (v, i) => (cv.rowFold[i] >= 0 && Number.isNaN(v) ? 'no input system scored this comparison' : undefined)),
    });
    models.push({ name, folds: cv.fitted.map((f) => f.toJSON()) });
  }
  if (!tested) throw new FusionError(`no fusion method could be fitted:\n  ${failures.join('\n  ')}`);
  const rows: number[] = [];
  tested.forEach((f, i) => {
    if (f >= 0) rows.push(i);
  });
  const pick = <T>(a: readonly T[]) => rows.map((i) => a[i]);
  const restricted: ComparisonScores = {
    ...data,
    probe: pick(data.probe),
    reference: pick(data.reference),
    probeSubject: pick(data.probeSubject),
    referenceSubject: pick(data.referenceSubject),
    kind: pick(data.kind),
    label: Uint8Array.from(rows, (i) => data.label[i]),
    systems: [...data.systems, ...fused].map((s) => ({
      name: s.name,
      scores: Float64Array.from(rows, (i) => s.scores[i]),
      errors: pick(s.errors),
      // The input systems' sample quality stays with their rows, so fused runs keep their quality curves.
      ...('quality' in s && s.quality ? { quality: Float64Array.from(rows, (i) => (s.quality as Float64Array)[i]) } : {}),
    })),
  };
  const notes = [
    cfg.protocol === 'within-subject'
      ? `Fusion of ${names.join(' + ')} by ${cfg.folds}-fold within-subject cross-validation (seed ${seed}): each user's comparisons are dealt to folds, so methods are fitted and reported on the same users but never on the same comparison; all ${rows.length} comparisons are reported.`
      : `Fusion of ${names.join(' + ')} by ${cfg.folds}-fold subject-disjoint cross-validation (seed ${seed}): every system is reported on the ${rows.length} comparisons between subjects of the same held-out fold; comparisons across folds are left out.`,
    ...foldNotes,
    ...failures,
  ];
  return { data: restricted, models, subjects, notes };
}

/**
 * A method's weights in the order of the fused systems: a mapping by name, a list in the order
 * of `fusion.inputs`. The config check's own rule (weightProblems), now that the systems are known.
 */
function inputWeights(m: FusionMethodConfig, names: readonly string[], listed: boolean, i: number): number[] | undefined {
  const w = m.weights;
  if (w === undefined) return undefined;
  const problems = weightProblems(w, listed ? names : undefined, names, `fusion.methods.${i}`);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return Array.isArray(w) ? w : names.map((n) => w[n]);
}

/** The fusion method a config entry names; `weights` in the order of the fused systems (see inputWeights). */
export function createFusionMethod(m: FusionMethodConfig, seed: number, weights?: readonly number[]): FusionMethod {
  const normaliser = m.normaliser as NormaliserKind | undefined;
  switch (m.method) {
    case 'and':
    case 'or':
    case 'majority':
      return new DecisionFusion({ rule: m.method, targetFmr: m.targetFmr });
    case 'logistic':
      return new LogisticFusion({ l2: m.l2 });
    case 'user-weighted-sum':
      return new UserWeightedFusion({ normaliser, relevance: m.relevance });
    case 'likelihood-ratio':
      return new LikelihoodRatioFusion({ seed, normaliser, maxComponents: m.maxComponents });
    default:
      return new RuleFusion({ rule: m.method, normaliser, weights, qualityWeighted: m.qualityWeighted });
  }
}

function defaultName(m: FusionMethodConfig): string {
  if (m.method === 'logistic') return 'logistic';
  if (m.method === 'user-weighted-sum') return `user-weighted-sum/${m.normaliser ?? 'z-score'}`;
  if (m.method === 'and' || m.method === 'or' || m.method === 'majority') return `decision-${m.method}`;
  return `${m.method}/${m.normaliser ?? (m.method === 'likelihood-ratio' ? 'none' : 'min-max')}${m.qualityWeighted ? '/quality' : ''}`;
}

function toMultiScores(data: ComparisonScores, inputs: readonly SystemScores[]): { multi: MultiScores; subjects: string[] } {
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    return v;
  };
  const n = data.label.length;
  const m = inputs.length;
  const scores = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = inputs[j].scores[i];
      // Fusion cannot weigh an infinite score (a DTW that found no path): say which comparison, not a row index.
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        throw new DatasetError(`system "${inputs[j].name}" scored ${data.probe[i]} against ${data.reference[i]} ${v}; fusion needs finite scores (or none, for a failure)`);
      }
      scores[i * m + j] = v;
    }
  }
  // Quality where some input reports it; NaN (counted as full quality by the weighted rules) elsewhere.
  const quality = inputs.some((s) => s.quality) ? new Float64Array(n * m).fill(Number.NaN) : undefined;
  if (quality) inputs.forEach((s, j) => s.quality?.forEach((q, i) => (quality[i * m + j] = q)));
  const multi: MultiScores = {
    modalities: inputs.map((s) => s.name),
    scores,
    ...(quality ? { quality } : {}),
    labels: data.label,
    probeSubject: Int32Array.from(data.probeSubject, id),
    referenceSubject: Int32Array.from(data.referenceSubject, id),
  };
  return { multi, subjects: [...ids.keys()] };
}
