import type { FingerprintTemplate } from '../template/fingerprint-template';
import { FINGERPRINT_MATCH_PARAMS, type MatchParams } from './params';
import { prepareTemplate } from './prepare/prepare-template';
import type { PreparedTemplate } from './prepared-template';

/**
 * The fixed-length vector of a template (see `minutiaPairHistogram`): unit length, or all
 * zeros when no two minutiae lie in its distance range. From a prepared template it is a copy of the vector
 * prepareTemplate computed. Its cosine similarity separates genuine from impostor pairs far
 * better once a common centre is subtracted (`centreVectors`): every print shares much of
 * its pair statistics.
 */
export function fingerprintVector(t: FingerprintTemplate | PreparedTemplate, params: MatchParams = FINGERPRINT_MATCH_PARAMS): Float32Array {
  return ('cylinders' in t ? t : prepareTemplate(t, params)).vector.slice();
}

