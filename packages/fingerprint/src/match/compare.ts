import { TemplateFormatError } from '@biofuse/core';
import { consolidate } from './consolidation';
import { localSimilarities } from './local-similarity';
import { FINGERPRINT_MATCH_PARAMS, type MatchParams } from './params';
import { PREPARED_TEMPLATE_VERSION, type PreparedTemplate } from './prepared-template';

export interface FingerprintComparison {
  /** In [0, 1]; higher = more similar. 0 when either template has no usable minutia. */
  readonly similarity: number;
  readonly details?: {
    /** Minutiae with a valid cylinder in each template. */
    readonly minutiaeA: number;
    readonly minutiaeB: number;
    /** Minutia pairs that entered the relaxation, and pairs averaged into the score. */
    readonly candidatePairs: number;
    readonly scorePairs: number;
    /** The minutiae (indices into the prepared templates) of the pairs behind the score. */
    readonly pairsA: Int32Array;
    readonly pairsB: Int32Array;
  };
}

/**
 * Compares two prepared templates: MCC local similarities, consolidated by LSS-R. The result
 * is symmetric: compare(a, b) and compare(b, a) give the same similarity (the two templates are
 * put in a canonical order first; details are reported in the caller's order).
 */
export function compareFingerprints(a: PreparedTemplate, b: PreparedTemplate, params: MatchParams = FINGERPRINT_MATCH_PARAMS): FingerprintComparison {
  checkCompatible(a, b);
  if (a.count === 0 || b.count === 0) {
    return { similarity: 0, details: { minutiaeA: a.count, minutiaeB: b.count, candidatePairs: 0, scorePairs: 0, pairsA: new Int32Array(0), pairsB: new Int32Array(0) } };
  }
  const swap = canonicalOrder(a, b) > 0;
  const first = swap ? b : a;
  const second = swap ? a : b;
  const c = consolidate(localSimilarities(first, second, params), first, second, params);
  return {
    similarity: c.score,
    details: {
      minutiaeA: a.count,
      minutiaeB: b.count,
      candidatePairs: c.candidatePairs,
      scorePairs: c.scorePairs,
      pairsA: swap ? c.pairsB : c.pairsA,
      pairsB: swap ? c.pairsA : c.pairsB,
    },
  };
}

/** Negative when a goes first: fewer minutiae first, then by coordinates. */
function canonicalOrder(a: PreparedTemplate, b: PreparedTemplate): number {
  if (a.count !== b.count) return a.count - b.count;
  for (let i = 0; i < a.count; i++) {
    if (a.x[i] !== b.x[i]) return a.x[i] - b.x[i];
    if (a.y[i] !== b.y[i]) return a.y[i] - b.y[i];
    if (a.angle[i] !== b.angle[i]) return a.angle[i] - b.angle[i];
  }
  return 0;
}

function checkCompatible(a: PreparedTemplate, b: PreparedTemplate): void {
  if (a.version !== PREPARED_TEMPLATE_VERSION || b.version !== PREPARED_TEMPLATE_VERSION) {
    const v = a.version !== PREPARED_TEMPLATE_VERSION ? a.version : b.version;
    throw new TemplateFormatError(`prepared template version ${String(v)} is not ${PREPARED_TEMPLATE_VERSION}`);
  }
  if (a.cylinderCells !== b.cylinderCells || a.spatialCells !== b.spatialCells || a.directionSections !== b.directionSections || a.cylinderRadiusPx !== b.cylinderRadiusPx) {
    throw new TemplateFormatError('prepared templates were built with different cylinder parameters');
  }
}
