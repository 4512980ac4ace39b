import { readFile, rename, writeFile } from 'node:fs/promises';
import { ConfigError, equalErrorRate, errorRateCurve, fnmrAtFmr, scoreSet } from '@biofuse/core';
import { compareFaceTemplates } from './compare';
import { checkThresholdTable, SIMILARITY_RANGE, type CalibratedThreshold, type DistanceMetric } from './embed/card';
import type { FaceTemplate } from './template';

export interface CalibrationResult {
  readonly metric: DistanceMetric;
  readonly threshold: CalibratedThreshold;
  readonly genuinePairs: number;
  readonly impostorPairs: number;
  /** FMR and FNMR reached at the FMR = 1e-3 threshold on the calibration set itself. */
  readonly fmr: number;
  readonly fnmr: number;
}

/**
 * Thresholds from labelled scores: the lowest threshold with FMR <= 1e-3, and the EER point.
 * Refuses sets too small to resolve FMR = 1e-3 (fewer than 1,000 impostor comparisons).
 */
export function calibrateThresholds(
  genuine: ArrayLike<number>,
  impostor: ArrayLike<number>,
  metric: DistanceMetric,
  provenance: Omit<CalibratedThreshold['provenance'], 'pairs'>,
): CalibrationResult {
  if (impostor.length < 1000) throw new ConfigError(`calibration needs at least 1,000 impostor comparisons to resolve FMR = 1e-3; got ${impostor.length}`);
  if (genuine.length < 10) throw new ConfigError(`calibration needs at least 10 genuine comparisons; got ${genuine.length}`);
  const curve = errorRateCurve(scoreSet({ genuine, impostor }));
  const at = fnmrAtFmr(curve, 1e-3);
  const eer = equalErrorRate(curve);
  // Where no finite threshold reaches FMR = 1e-3 (impostor scores tied at the top) the curve's
  // end is +Infinity, which a card stores as null and every later command then refuses; and a
  // threshold that rejects every genuine pair is no operating point either.
  if (at.fnmr >= 1) {
    throw new ConfigError(
      `calibration failed for ${metric}: at FMR = 1e-3 every one of the ${genuine.length} genuine comparisons is rejected (FNMR = 1, threshold ${at.threshold}); ` +
        'the impostor scores reach the genuine ones (duplicate images under two identities, or a model that does not separate them)',
    );
  }
  const range = SIMILARITY_RANGE[metric];
  for (const [name, value] of [['FMR = 1e-3', at.threshold], ['EER', eer.threshold]] as const) {
    if (!(Number.isFinite(value) && value >= range[0] && value <= range[1])) {
      throw new ConfigError(`calibration failed for ${metric}: the ${name} threshold is ${value}, not a similarity in [${range[0]}, ${range[1]}]`);
    }
  }
  return {
    metric,
    threshold: { atFmr1e3: at.threshold, atEer: eer.threshold, provenance: { ...provenance, pairs: genuine.length + impostor.length } },
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    fmr: at.fmr,
    fnmr: at.fnmr,
  };
}

/** Every same-identity and every different-identity pair among labelled templates. */
export function allPairScores(
  templates: readonly { readonly identity: string; readonly template: FaceTemplate }[],
  metric: DistanceMetric,
): { genuine: Float64Array; impostor: Float64Array } {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < templates.length; i++) {
    for (let j = i + 1; j < templates.length; j++) {
      const s = compareFaceTemplates(templates[i].template, templates[j].template, metric).similarity;
      (templates[i].identity === templates[j].identity ? genuine : impostor).push(s);
    }
  }
  return { genuine: Float64Array.from(genuine), impostor: Float64Array.from(impostor) };
}

/** Writes a calibrated threshold into a model or ensemble card (atomically, keeping every other field). */
export async function writeCardThresholds(cardPath: string, configuration: string, metric: DistanceMetric, threshold: CalibratedThreshold): Promise<void> {
  // Checked as a card is read: a value the card check refuses (Infinity is written as null) would break every later command.
  checkThresholdTable({ [configuration]: { [metric]: threshold } }, (field) => {
    throw new ConfigError(`not writing ${cardPath}: invalid "${field}"`);
  });
  const card = JSON.parse(await readFile(cardPath, 'utf8')) as { thresholds?: Record<string, Record<string, CalibratedThreshold>> };
  card.thresholds = { ...card.thresholds, [configuration]: { ...card.thresholds?.[configuration], [metric]: threshold } };
  const tmp = `${cardPath}.tmp`;
  await writeFile(tmp, `${JSON.stringify(card, null, 2)}\n`);
  await rename(tmp, cardPath);
}
