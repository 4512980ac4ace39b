import { FusionError } from '../errors';
import { normaliserFromParams, type FittedNormaliser, type NormaliserKind } from '../normalise/normalisers';
import { storedBoundProblem, type StoredKind } from '../stored-bounds';

/**
 * Checks for fused models read back from JSON (a fusion.json, a file a caller kept): the
 * loaders are typed, but the file is not, and a missing threshold or a short weight list gave
 * a TypeError or, worse, a score of 0.5 for everyone. Each throws FusionError naming the field.
 */
export function storedModalities(json: { readonly modalities?: unknown }, what: string): string[] {
  const m = json?.modalities;
  if (!Array.isArray(m) || m.length === 0 || m.some((x) => typeof x !== 'string')) throw new FusionError(`${what}: "modalities" must be a non-empty list of names`);
  return m as string[];
}

/**
 * A list of `length` numbers of `kind` (finite unless `infinite` lets ±Infinity through), each
 * within the range STORED_BOUNDS gives that kind: a weight or mean of 1e308 turned finite scores
 * into Infinity, or into NaN ("no modality present"), for everyone.
 */
export function storedNumbers(value: unknown, length: number, field: string, what: string, kind: StoredKind, opts: { readonly infinite?: boolean } = {}): number[] {
  if (!Array.isArray(value) || value.length !== length) throw new FusionError(`${what}: "${field}" must list ${length} numbers`);
  const numbers = value.map(Number);
  value.forEach((v, i) => {
    const n = numbers[i];
    const ok = (typeof v === 'number' || (opts.infinite && (v === 'Infinity' || v === '-Infinity'))) && (Number.isFinite(n) || (opts.infinite && Math.abs(n) === Number.POSITIVE_INFINITY));
    if (!ok) throw new FusionError(`${what}: "${field}" entry ${i} is ${JSON.stringify(v)}, not a number`);
    const problem = Number.isFinite(n) ? storedBoundProblem(kind, n) : undefined;
    if (problem) throw new FusionError(`${what}: "${field}" entry ${i} is ${n}; ${problem}`);
  });
  return numbers;
}

/** One normaliser per modality, each of a known kind. */
export function storedNormalisers(value: unknown, length: number, what: string): FittedNormaliser[] {
  if (!Array.isArray(value) || value.length !== length) throw new FusionError(`${what}: "normalisers" must list one normaliser per modality (${length})`);
  return value.map((n: { kind?: unknown; params?: unknown } | null, i) => {
    if (typeof n !== 'object' || n === null || typeof n.kind !== 'string' || typeof n.params !== 'object' || n.params === null) {
      throw new FusionError(`${what}: normaliser ${i} must be { kind, params }`);
    }
    try {
      return normaliserFromParams(n.kind as NormaliserKind, n.params as Record<string, number>);
    } catch (err) {
      if (err instanceof FusionError) throw new FusionError(`${what}: normaliser ${i}: ${err.message}`);
      throw err;
    }
  });
}

/**
 * A list of `length` weights, each finite and above 0 (or at least 0 with `zero`), with a
 * positive total: weights of 0 everywhere, or of mixed signs, divided by 0 or cancelled out and
 * scored NaN or -Infinity for everyone.
 */
export function storedWeights(value: unknown, length: number, field: string, what: string, opts: { readonly zero?: boolean } = {}): number[] {
  const weights = storedNumbers(value, length, field, what, 'weight');
  return checkedWeights(weights, field, opts, (m) => new FusionError(`${what}: ${m}`));
}

/**
 * The weights check shared by stored models and configured ones (`error` picks the error class).
 * A configured weight beyond STORED_BOUNDS.weight is refused too: its fitted model would be
 * stored, and refused when loaded.
 */
export function checkedWeights(weights: readonly number[], field: string, opts: { readonly zero?: boolean }, error: (message: string) => Error): number[] {
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0 || (w === 0 && !opts.zero)) throw error(`"${field}" entry ${i} is ${w}; weights must be ${opts.zero ? 'at least 0' : 'above 0'}`);
    const problem = storedBoundProblem('weight', w);
    if (problem) throw error(`"${field}" entry ${i} is ${w}; ${problem} (they are relative: scale them down together)`);
  });
  if (!(weights.reduce((a, b) => a + b, 0) > 0)) throw error(`"${field}" are all 0`);
  return [...weights];
}
