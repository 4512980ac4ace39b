import { ConfigError } from '@biofuse/core';
import { checkFingerprintTemplate } from '../../template/encode';
import type { FingerprintTemplate } from '../../template/fingerprint-template';
import { FINGERPRINT_MATCH_PARAMS, type MatchParams } from '../params';
import { PREPARED_TEMPLATE_VERSION, type PreparedTemplate } from '../prepared-template';
import { minutiaPairHistogram } from '../vector';
import { buildCylinders } from './cylinders';
import { normaliseMinutiae } from './normalise';

/**
 * All per-template work of the matcher, done once: check the template, scale to 500 dpi and
 * cap the minutiae, build the bit-based cylinders, keep the minutiae whose cylinder is valid,
 * and compute the fixed-length vector.
 *
 * The matcher's one entry: every comparison, vector, modality and gallery template passes here,
 * so the template is checked here (checkFingerprintTemplate: TemplateFormatError, as decoding).
 */
export function prepareTemplate(t: FingerprintTemplate, params: MatchParams = FINGERPRINT_MATCH_PARAMS): PreparedTemplate {
  checkFingerprintTemplate(t);
  const minutiae = normaliseMinutiae(t, params);
  const cyl = buildCylinders(minutiae, params);
  const keep: number[] = [];
  for (let i = 0; i < minutiae.count; i++) if (cyl.valid[i]) keep.push(i);
  const n = keep.length;
  if (n > 255) throw new ConfigError(`maxMinutiae above 255 is not supported (${n} minutiae kept)`);
  const pick = <A extends Float32Array | Uint8Array>(src: A, make: (n: number) => A) => {
    const out = make(n);
    keep.forEach((i, k) => (out[k] = src[i]));
    return out;
  };
  const words = 4 * Math.ceil(cyl.layout.bits / 128);
  const angle = pick(minutiae.angle, (k) => new Float32Array(k));
  return {
    version: PREPARED_TEMPLATE_VERSION,
    spatialCells: params.spatialCells,
    directionSections: params.directionSections,
    cylinderRadiusPx: params.cylinderRadiusPx,
    cylinderCells: cyl.layout.cells,
    count: n,
    x: pick(minutiae.x, (k) => new Float32Array(k)),
    y: pick(minutiae.y, (k) => new Float32Array(k)),
    angle,
    kind: pick(minutiae.kind, (k) => new Uint8Array(k)),
    byAngle: Uint8Array.from(keep.map((_, k) => k).sort((p, q) => angle[p] - angle[q] || p - q)),
    cylinderWords: words,
    cylinders: packBits(keep.map((i) => cyl.setBits[i]), words),
    cylinderBits: Uint16Array.from(keep, (i) => cyl.setBits[i].length),
    ...concatenated(keep.map((i) => cyl.invalidCells[i]), 'invalidOffset', 'invalidCell'),
    minutiaeKept: minutiae.count,
    vector: minutiaPairHistogram(minutiae, params),
  };
}

/** Bit vectors of `words` 32-bit words from lists of set bits, one after the other. */
function packBits(lists: readonly Uint16Array[], words: number): Int32Array {
  const out = new Int32Array(lists.length * words);
  lists.forEach((l, i) => {
    for (const b of l) out[i * words + (b >>> 5)] |= 1 << (b & 31);
  });
  return out;
}

/** Packs lists into one array plus offsets (list i is values[offset[i] .. offset[i + 1])). */
function concatenated<O extends string, V extends string>(lists: readonly Uint16Array[], offsetName: O, valuesName: V) {
  const offset = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (offset[i + 1] = offset[i] + l.length));
  const values = new Uint16Array(offset[lists.length]);
  lists.forEach((l, i) => values.set(l, offset[i]));
  return { [offsetName]: offset, [valuesName]: values } as Record<O, Int32Array> & Record<V, Uint16Array>;
}
