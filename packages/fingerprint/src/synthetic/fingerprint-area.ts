import type { Random } from '@biofuse/core';

/**
 * The fingerprint area (SFinGe's silhouette): four quarter ellipses around a straight middle
 * band, so the print can be wider or narrower on either side and rounder at the tip (top) than
 * at the first crease (bottom). Sizes are master pixels at 500 dpi.
 */
export interface FingerprintArea {
  /** Centre of the middle band. */
  readonly cx: number;
  readonly cy: number;
  /** Half widths to the left and to the right of the centre. */
  readonly left: number;
  readonly right: number;
  /** Heights of the upper cap (fingertip), of the lower cap, and of the straight band between them. */
  readonly top: number;
  readonly bottom: number;
  readonly band: number;
}

/** A seeded silhouette, centred in a canvas just large enough to hold it plus `marginPx`. */
export function drawFingerprintArea(rng: Random, marginPx: number): { area: FingerprintArea; width: number; height: number } {
  const left = Math.round(105 + 35 * rng.next());
  const right = Math.round(105 + 35 * rng.next());
  const top = Math.round(145 + 45 * rng.next());
  const bottom = Math.round(110 + 40 * rng.next());
  const band = Math.round(30 + 60 * rng.next());
  const width = left + right + 2 * marginPx;
  const height = top + band + bottom + 2 * marginPx;
  return { area: { cx: marginPx + left, cy: marginPx + top + band / 2, left, right, top, bottom, band }, width, height };
}

/** Normalised elliptic radius of a point: below 1 inside the area, 1 on its border. */
export function areaRadius(area: FingerprintArea, x: number, y: number): number {
  const dx = (x - area.cx) / (x < area.cx ? area.left : area.right);
  const upper = area.cy - area.band / 2;
  const lower = area.cy + area.band / 2;
  const dy = y < upper ? (y - upper) / area.top : y > lower ? (y - lower) / area.bottom : 0;
  return Math.sqrt(dx * dx + dy * dy);
}

/** 1 where `areaRadius` is below `radius`, else 0; row-major over a width x height canvas (pixel centres at integer coordinates). */
export function areaMask(area: FingerprintArea, width: number, height: number, radius = 1): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (areaRadius(area, x, y) < radius) mask[y * width + x] = 1;
  }
  return mask;
}
