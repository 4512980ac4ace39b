import { probit, type DetCurve } from '@biofuse/core';

/** Rates that get a tick where they fall inside an axis. */
const TICKS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6];

/** One axis of a DET plot, in normal deviates (probit of the rate). */
export interface DetAxis {
  readonly title: string;
  readonly range: readonly [number, number];
  /** Tick positions (deviates) and their labels (the rate in %). */
  readonly ticks: readonly number[];
  readonly labels: readonly string[];
}

/**
 * The axes a DET plot of these curves needs, the page's and the figure's alike: from just below
 * the lowest deviate any curve reaches (a rate of 0 among n comparisons is drawn at 0.5 / n, and
 * dropping such points cut off every run that ends at 0) up to 60 %, at least down to 0.1 %.
 */
export function detAxes(dets: readonly DetCurve[]): { readonly x: DetAxis; readonly y: DetAxis } {
  let minFmr = probit(1e-3);
  let minFnmr = probit(1e-3);
  // Finite deviates only: one NaN in a hand-edited det.json made every coordinate NaN.
  for (const d of dets) {
    for (const v of d.fmrDeviate) if (Number.isFinite(v)) minFmr = Math.min(minFmr, v);
    for (const v of d.fnmrDeviate) if (Number.isFinite(v)) minFnmr = Math.min(minFnmr, v);
  }
  return { x: detAxis('False match rate', minFmr), y: detAxis('False non-match rate', minFnmr) };
}

function detAxis(name: string, minDeviate: number): DetAxis {
  const range: [number, number] = [minDeviate - 0.2, probit(0.6)];
  const rates = TICKS.filter((t) => probit(t) >= range[0] && probit(t) <= range[1]);
  return { title: `${name} (%)`, range, ticks: rates.map(probit), labels: rates.map((t) => `${+(t * 100).toPrecision(2)}`) };
}

/** Where the FMR = FNMR diagonal runs inside both axes. */
export function detDiagonal(x: DetAxis, y: DetAxis): [number, number] {
  return [Math.max(x.range[0], y.range[0]), Math.min(x.range[1], y.range[1])];
}
