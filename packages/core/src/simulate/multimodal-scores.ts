import { ConfigError } from '../errors';
import { choleskyFactor } from '../linear-algebra/cholesky';
import { checkSeed, seededRandom } from '../random';

/**
 * A seeded simulator of multimodal comparison scores, the embedded default for demos and
 * tests when no real data is at hand. Every modality draws genuine and impostor scores from
 * its own normal distributions; the modalities are correlated through a correlation matrix
 * applied (by its Cholesky factor) to the per-comparison noise, separately for genuine and
 * impostor comparisons, as two face matchers run on the same image pair would be. Each
 * modality fails to acquire with its own probability, which leaves NaN scores.
 *
 * This is a model, not data: its only purpose is to exercise the metrics, fusion and
 * reporting end to end with known ground truth.
 */
export interface SimulatedModality {
  readonly name: string;
  readonly genuine: { readonly mean: number; readonly sd: number };
  readonly impostor: { readonly mean: number; readonly sd: number };
  /** Probability that a comparison cannot be made (its score is NaN). */
  readonly failureRate: number;
  /**
   * Standard deviation of a per-subject shift of the genuine mean (default 0): some subjects
   * are hard for this modality and easy for another (Doddington's goats), which is what
   * user-specific fusion weights exploit. Each subject draws its shift once.
   */
  readonly userSpread?: number;
}

export interface MultimodalSimulation {
  readonly seed: number;
  readonly subjects: number;
  /** Impostor comparisons per subject, against distinct other subjects chosen at random. */
  readonly impostorsPerSubject: number;
  /** Genuine comparisons per subject (default 1), each with fresh noise. */
  readonly genuinePerSubject?: number;
  readonly modalities: readonly SimulatedModality[];
  /** Row-major m x m correlation of the modalities' genuine scores (identity when omitted). */
  readonly genuineCorrelation?: readonly number[];
  /** Row-major m x m correlation of the modalities' impostor scores (identity when omitted). */
  readonly impostorCorrelation?: readonly number[];
}

export interface SimulatedScores {
  readonly probe: Int32Array;
  readonly reference: Int32Array;
  /** 1 genuine, 0 impostor. */
  readonly label: Uint8Array;
  /** One column per modality, in the order of the config; NaN where acquisition failed. */
  readonly scores: readonly Float64Array[];
}

/**
 * Draws the scores `sim` describes. A configuration out of range is a ConfigError before any
 * drawing: a seed that is not a whole number in [0, MAX_SEED] (1.7 and 2^32 + 1 would draw the
 * scores of seed 1), a fractional or negative number of comparisons (2.5 would drop rows), a
 * failure rate outside [0, 1], or a mean, sd or userSpread that is not a finite number (sd and
 * userSpread also >= 0).
 */
export function simulateMultimodalScores(sim: MultimodalSimulation): SimulatedScores {
  const m = sim.modalities.length;
  checkSeed(sim.seed, "the simulation's seed");
  if (m === 0) throw new ConfigError('the simulation needs at least one modality');
  if (!Number.isInteger(sim.subjects) || sim.subjects < 2) throw new ConfigError('the simulation needs at least 2 subjects');
  if (!(Number.isInteger(sim.impostorsPerSubject) && sim.impostorsPerSubject >= 0)) {
    throw new ConfigError(`impostorsPerSubject must be a whole number >= 0, got ${sim.impostorsPerSubject}`);
  }
  const perSubject = Math.min(sim.impostorsPerSubject, sim.subjects - 1);
  const genuinePerSubject = sim.genuinePerSubject ?? 1;
  if (!Number.isInteger(genuinePerSubject) || genuinePerSubject < 1) throw new ConfigError('genuinePerSubject must be a positive integer');
  sim.modalities.forEach(checkModality);
  const spreads = sim.modalities.map((mod) => mod.userSpread ?? 0);
  const userEffects = spreads.some((v) => v > 0);
  const gChol = correlationFactor(sim.genuineCorrelation ?? identity(m), m, 'genuineCorrelation');
  const iChol = correlationFactor(sim.impostorCorrelation ?? identity(m), m, 'impostorCorrelation');
  const n = sim.subjects * (genuinePerSubject + perSubject);
  const out = {
    probe: new Int32Array(n),
    reference: new Int32Array(n),
    label: new Uint8Array(n),
    scores: sim.modalities.map(() => new Float64Array(n)),
  };
  const rng = seededRandom(sim.seed);
  const z = new Float64Array(m);
  const shift = new Float64Array(m);
  const others = Array.from({ length: sim.subjects - 1 }, (_, i) => i);
  let row = 0;
  const draw = (probe: number, reference: number, genuine: boolean) => {
    out.probe[row] = probe;
    out.reference[row] = reference;
    out.label[row] = genuine ? 1 : 0;
    for (let j = 0; j < m; j++) z[j] = rng.normal();
    const chol = genuine ? gChol : iChol;
    for (let j = 0; j < m; j++) {
      let e = 0;
      for (let k = 0; k <= j; k++) e += chol[j * m + k] * z[k];
      const mod = sim.modalities[j];
      const dist = genuine ? mod.genuine : mod.impostor;
      const failed = rng.next() < mod.failureRate;
      const mean = genuine ? dist.mean + shift[j] : dist.mean;
      out.scores[j][row] = failed ? Number.NaN : mean + dist.sd * e;
    }
    row++;
  };
  for (let s = 0; s < sim.subjects; s++) {
    // Drawn only when asked for, so configs without user effects keep their numbers.
    if (userEffects) for (let j = 0; j < m; j++) shift[j] = spreads[j] * rng.normal();
    for (let g = 0; g < genuinePerSubject; g++) draw(s, s, true);
    // Partial Fisher-Yates over the other subjects: distinct impostor references.
    for (let i = 0; i < others.length; i++) others[i] = i < s ? i : i + 1;
    for (let i = 0; i < perSubject; i++) {
      const j = i + rng.int(others.length - i);
      [others[i], others[j]] = [others[j], others[i]];
      draw(s, others[i], false);
    }
  }
  return out;
}

function checkModality(mod: SimulatedModality): void {
  const name = `modality ${JSON.stringify(mod.name)}`;
  for (const side of ['genuine', 'impostor'] as const) {
    const { mean, sd } = mod[side];
    if (!Number.isFinite(mean)) throw new ConfigError(`${name}: the ${side} mean must be a finite number, got ${mean}`);
    if (!(Number.isFinite(sd) && sd >= 0)) throw new ConfigError(`${name}: the ${side} sd must be a finite number >= 0, got ${sd}`);
  }
  // NaN fails both comparisons.
  if (!(mod.failureRate >= 0 && mod.failureRate <= 1)) throw new ConfigError(`${name}: failureRate must be a probability in [0, 1], got ${mod.failureRate}`);
  const spread = mod.userSpread ?? 0;
  if (!(Number.isFinite(spread) && spread >= 0)) throw new ConfigError(`${name}: userSpread must be a finite number >= 0, got ${spread}`);
}

function identity(m: number): number[] {
  return Array.from({ length: m * m }, (_, i) => (i % (m + 1) === 0 ? 1 : 0));
}

/** Validates a correlation matrix and returns its lower Cholesky factor. */
function correlationFactor(r: readonly number[], m: number, name: string): Float64Array {
  if (r.length !== m * m) throw new ConfigError(`${name} must have ${m * m} entries (${m} x ${m}), got ${r.length}`);
  for (let i = 0; i < m; i++) {
    if (r[i * m + i] !== 1) throw new ConfigError(`${name} must have ones on its diagonal`);
    for (let j = 0; j < i; j++) {
      if (r[i * m + j] !== r[j * m + i]) throw new ConfigError(`${name} must be symmetric`);
    }
  }
  const l = choleskyFactor(r, m);
  if (!l) throw new ConfigError(`${name} is not positive definite`);
  return l;
}
