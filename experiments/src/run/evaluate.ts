import { bootstrapEer, DatasetError, scoreSetFromLabelled, verificationReport, type BootstrapInterval, type SubjectComparison, type VerificationReport } from '@biofuse/core';
import type { ComparisonScores } from '../sources/comparison-scores';
import { qualityErcs, type QualityErc } from './quality-erc';

/** One DET curve of a run: a system against one kind of impostor (or all of them). */
export interface Evaluation {
  /** `system` alone, or `system/kind` when the protocol has several impostor kinds. */
  readonly name: string;
  readonly system: string;
  readonly impostorKind?: string;
  readonly report: VerificationReport;
  /** The EER's 95 % interval with the subjects resampled (bootstrapEer), unless turned off. */
  readonly eerInterval?: BootstrapInterval;
  /** Where the system reports sample quality: how well it predicts false non-matches, per target FMR. */
  readonly qualityErc?: readonly QualityErc[];
}

/**
 * Evaluates every system. A protocol with several impostor kinds (SVC2004's skilled and
 * random forgeries) gets one evaluation per kind, each with all genuine comparisons. The notes
 * say what was asked for and could not be given (an EER interval).
 */
export function evaluateSystems(
  data: ComparisonScores,
  opts: { targetFmrs: readonly number[]; detMaxPoints: number; eerBootstrapResamples: number },
  seed: number,
): { evaluations: Evaluation[]; notes: string[] } {
  if (data.systems.length === 0) throw new DatasetError('the dataset holds no system (no score columns): nothing to evaluate');
  const impostorKinds = [...new Set(data.kind.filter((_, i) => data.label[i] === 0))].sort();
  const split = impostorKinds.length > 1;
  const out: Evaluation[] = [];
  const singleSubject: string[] = [];
  for (const system of data.systems) {
    const groups = split ? impostorKinds : [undefined];
    for (const kind of groups) {
      const keep = (i: number) => data.label[i] === 1 || kind === undefined || data.kind[i] === kind;
      const idx: number[] = [];
      for (let i = 0; i < data.label.length; i++) if (keep(i)) idx.push(i);
      const scores = Float64Array.from(idx, (i) => system.scores[i]);
      const labels = Uint8Array.from(idx, (i) => data.label[i]);
      const name = kind ? `${system.name}/${kind}` : system.name;
      checkSomethingScored(name, scores, labels);
      const report = verificationReport(scoreSetFromLabelled(scores, labels), opts);
      const eerInterval = opts.eerBootstrapResamples > 0 ? subjectInterval(data, idx, scores, opts.eerBootstrapResamples, seed) : undefined;
      // Asked for and not given: subjectInterval gives none only for a single subject.
      if (opts.eerBootstrapResamples > 0 && !eerInterval) singleSubject.push(name);
      const qualityErc = system.quality ? qualityErcs(scores, labels, Float64Array.from(idx, (i) => (system.quality as Float64Array)[i]), report) : undefined;
      out.push({
        name,
        system: system.name,
        impostorKind: kind,
        report,
        ...(eerInterval ? { eerInterval } : {}),
        ...(qualityErc ? { qualityErc } : {}),
      });
    }
  }
  // Said, not left out of the results without a word.
  const notes = singleSubject.length > 0 ? [`No EER interval for ${singleSubject.join(', ')}: the comparisons involve a single subject, and the subjects bootstrap resamples subjects.`] : [];
  return { evaluations: out, notes };
}

/** bootstrapEer over the comparisons `idx` (their scores in `scores`); undefined only where the subjects cannot be resampled (a single subject). */
function subjectInterval(data: ComparisonScores, idx: readonly number[], scores: Float64Array, resamples: number, seed: number): BootstrapInterval | undefined {
  const comparisons: SubjectComparison[] = idx.map((i, q) => ({ a: data.referenceSubject[i], b: data.probeSubject[i], score: scores[q], genuine: data.label[i] === 1 }));
  const subjects = new Set(comparisons.flatMap((c) => [c.a, c.b]));
  if (subjects.size < 2) return undefined;
  // Both classes are present (verificationReport has checked), so any error here is real: it is not caught.
  return bootstrapEer(comparisons, { seed, resamples });
}

/**
 * Rates over comparisons of which none could be scored describe no data (an EER of 50 % from
 * 100 % failures, d' NaN): a system with no scored genuine or no scored impostor comparison is
 * a data error, not a row of the table.
 */
function checkSomethingScored(name: string, scores: Float64Array, labels: Uint8Array): void {
  for (const [label, what] of [[1, 'genuine'], [0, 'impostor']] as const) {
    let attempts = 0;
    let scored = 0;
    for (let i = 0; i < scores.length; i++) {
      if (labels[i] !== label) continue;
      attempts++;
      if (!Number.isNaN(scores[i])) scored++;
    }
    if (attempts > 0 && scored === 0) throw new DatasetError(`system "${name}": none of its ${attempts} ${what} comparisons could be scored (all failed to acquire): there is nothing to measure`);
  }
}
