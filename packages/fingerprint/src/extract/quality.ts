/** The measurements an image quality score is made from, all over the ridge area. */
export interface QualityFeatures {
  /** Ridge area in square millimetres. */
  readonly areaMm2: number;
  /** Mean structure-tensor coherence (clear, parallel ridges near 1). */
  readonly meanCoherence: number;
  /** Share of blocks where a clean ridge period could be measured. */
  readonly periodShare: number;
  /** Reliable minutiae found. */
  readonly minutiae: number;
}

/**
 * An NFIQ-like image quality, 0 (unusable) to 100 (excellent). Not NFIQ 2: a transparent mix
 * of the properties NFIQ's features measure - ridge clarity (coherence), how much of the area
 * shows a measurable ridge period, usable area (against a full rolled-flat contact of about
 * 250 mm^2), and enough minutiae to compare - each mapped to 0..1 and weighted.
 */
export function imageQuality(f: QualityFeatures): number {
  const clarity = clamp01((f.meanCoherence - 0.25) / 0.45);
  const area = clamp01(f.areaMm2 / 250);
  const minutiae = clamp01(f.minutiae / 30);
  const score = 0.4 * clarity + 0.2 * f.periodShare + 0.2 * area + 0.2 * minutiae;
  return Math.round(100 * score);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
