import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { BiometricError, ConfigError, DatasetError, errorNaming, TemplateFormatError } from '../errors';
import type { Modality } from '../modality';

export interface ScoringOptions {
  /** Folder the sample paths are relative to. */
  readonly root: string;
  /** Samples loaded and extracted at once, a whole number >= 1 (default: the number of cores). */
  readonly concurrency?: number;
  /** Throw at the first sample that cannot be acquired, instead of recording it (a file that cannot be read always throws). */
  readonly strict?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Told what a reader repaired in a sample (a sample with a `warnings` list, as signatures have), so it is said, not hidden. */
  readonly onWarning?: (path: string, warning: string) => void;
}

/** A sample that gave no template, and why. */
export interface SampleFailure {
  readonly path: string;
  readonly reason: string;
}

export interface ScoredComparisons {
  /** One similarity per comparison, in input order; NaN where it could not be made. */
  readonly scores: Float64Array;
  /** The reason a comparison could not be made, or undefined. */
  readonly errors: readonly (string | undefined)[];
  readonly failures: readonly SampleFailure[];
  /**
   * Where the modality reports sample quality: per comparison, the lower of the probe's and
   * the reference's (the best of a multi-sample reference's), in [0, 1]; NaN where the
   * comparison could not be made.
   */
  readonly quality?: Float64Array;
}

/**
 * Loads and extracts every distinct sample once, `concurrency` at a time, then compares.
 * A reference made of several samples is enrolled once (when the modality can enrol) or
 * scores the best of its samples' comparisons (samples that failed are left out of that best;
 * the comparison fails only when none is left). Enrolment needs every one of its samples: a
 * reference with a sample that could not be acquired fails to enrol, and its comparisons fail
 * with that reason (ISO/IEC 19795-1 counts them). Enrolling from whatever was left made a model
 * of one signature where the protocol says five, and its comparisons looked normal.
 */
export async function scoreComparisons<S, T, M>(
  modality: Modality<S, T, unknown, M>,
  comparisons: readonly { readonly reference: readonly string[]; readonly probe: string }[],
  opts: ScoringOptions,
): Promise<ScoredComparisons> {
  const distinct = new Set<string>();
  for (const c of comparisons) {
    for (const r of c.reference) distinct.add(r);
    distinct.add(c.probe);
  }
  const templates = await extractTemplates(modality, [...distinct], opts);
  const scores = new Float64Array(comparisons.length);
  const quality = modality.quality ? new Float64Array(comparisons.length).fill(Number.NaN) : undefined;
  // NaN is an unknown quality (it stays NaN); anything else outside [0, 1] is a template fault.
  const qualityOf = (t: T) => {
    const q = modality.quality?.(t) ?? Number.NaN;
    if (!Number.isNaN(q) && !(q >= 0 && q <= 1)) throw new TemplateFormatError(`${modality.name}: sample quality ${q} is outside [0, 1]`);
    return q;
  };
  const errors: (string | undefined)[] = new Array(comparisons.length).fill(undefined);
  const enrolled = new Map<string, M>();
  comparisons.forEach((c, i) => {
    const probe = templates.get(c.probe);
    if (!probe || 'reason' in probe) {
      scores[i] = Number.NaN;
      errors[i] = `probe ${c.probe}: ${probe ? probe.reason : 'not extracted'}`;
      return;
    }
    const usable: T[] = [];
    const failed: string[] = [];
    for (const r of c.reference) {
      const ref = templates.get(r);
      if (!ref || 'reason' in ref) failed.push(`reference ${r}: ${ref ? ref.reason : 'not extracted'}`);
      else usable.push(ref.template);
    }
    const enrols = modality.enrol !== undefined && modality.compareEnrolled !== undefined && c.reference.length > 1;
    if (usable.length === 0 || (enrols && failed.length > 0)) {
      scores[i] = Number.NaN;
      const n = c.reference.length;
      errors[i] = failed.length === 0 ? 'empty reference' : n === 1 || !enrols ? failed[0] : `failed to enrol: ${failed.length} of ${n} reference samples not acquired (${failed[0]})`;
      return;
    }
    if (enrols && modality.enrol && modality.compareEnrolled) {
      const key = c.reference.join('\u0000');
      let model = enrolled.get(key);
      if (model === undefined) enrolled.set(key, (model = modality.enrol(usable)));
      scores[i] = modality.compareEnrolled(model, probe.template).similarity;
    } else {
      // The best of the samples that gave a score: one sample the matcher could not score does not sink the others.
      let best = Number.NaN;
      for (const t of usable) {
        const s = modality.compare(t, probe.template).similarity;
        if (!Number.isNaN(s) && !(s <= best)) best = s;
      }
      scores[i] = best;
    }
    if (Number.isNaN(scores[i])) {
      errors[i] = `${modality.name} could not score this comparison (no similarity)`;
      return;
    }
    if (quality) {
      let best = Number.NaN;
      // The best known quality of the reference's samples; NaN only when none is known.
      for (const t of usable) {
        const q = qualityOf(t);
        if (!Number.isNaN(q) && !(q <= best)) best = q;
      }
      quality[i] = Math.min(best, qualityOf(probe.template));
    }
  });
  // In input order, whatever order the concurrent extractions finished in.
  const failures: SampleFailure[] = [];
  for (const path of distinct) {
    const t = templates.get(path);
    if (t && 'reason' in t) failures.push({ path, reason: t.reason });
  }
  return quality ? { scores, errors, failures, quality } : { scores, errors, failures };
}

type Extracted<T> = { readonly template: T } | SampleFailure;

/**
 * Extracts each path once, with bounded concurrency. A sample the modality rejects (a typed
 * error) becomes a record, or stops the run when strict; a file that cannot be read is a
 * DatasetError and always stops it: a typo in a pairs list is not a failure to acquire, and
 * scoring it as one put a false non-match in the metrics. Errors that stop the run name the
 * sample.
 */
export async function extractTemplates<S, T, M>(
  modality: Modality<S, T, unknown, M>,
  paths: readonly string[],
  opts: ScoringOptions,
): Promise<Map<string, Extracted<T>>> {
  const concurrency = opts.concurrency ?? availableParallelism();
  // NaN started no worker: nothing was extracted and nothing was reported as failed.
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new ConfigError(`concurrency must be a whole number >= 1, got ${concurrency}`);
  const out = new Map<string, Extracted<T>>();
  let next = 0;
  let done = 0;
  // Once one worker has thrown, the others take no new sample (the run has failed).
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < paths.length) {
      const path = paths[next++];
      try {
        const bytes = await readSample(resolve(opts.root, path));
        try {
          const sample = await modality.load(bytes);
          const warnings = (sample as { warnings?: unknown }).warnings;
          if (opts.onWarning && Array.isArray(warnings)) for (const w of warnings) opts.onWarning(path, String(w));
          out.set(path, { template: await modality.extract(sample) });
        } catch (err) {
          if (opts.strict || !(err instanceof BiometricError)) throw errorNaming(path, err);
          out.set(path, { path, reason: err.message });
        }
      } catch (err) {
        stopped = true;
        throw err;
      }
      opts.onProgress?.(++done, paths.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return out;
}

async function readSample(absolute: string): Promise<Buffer> {
  try {
    return await readFile(absolute);
  } catch (err) {
    throw new DatasetError(`cannot read the sample file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, absolute, undefined, { cause: err });
  }
}
