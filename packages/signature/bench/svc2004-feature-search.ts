import { meanSd, runSvc2004 } from './svc2004-protocol';
import { parseSignatureParams } from '../src/params';
import { TIME_FUNCTIONS, type TimeFunction } from '../src/features/time-functions';
import type { PenTrajectory } from '../src/pen-trajectory';

export interface FeatureSearchStep {
  readonly functions: readonly TimeFunction[];
  readonly move: string;
  readonly eer: number;
  readonly exponent: number;
}

/**
 * Floating search of the time functions compared by DTW (in the spirit of the feature
 * selection of Martinez-Diaz et al. 2014), on the given users only: from `start`, try every
 * single addition and removal, take the one that lowers the skilled-forgery EER (one threshold
 * for all users, mean of 10 trials, city-block frames, best of `exponents` for the score
 * normalisation) the most, and repeat until no move gains `minGain` (default half a point:
 * half the spread of the EER over the 10 trials, so smaller gains are noise) or `maxMoves`
 * moves are made.
 */
export function searchTimeFunctions(
  signatures: Map<string, PenTrajectory>,
  users: readonly number[],
  start: readonly TimeFunction[],
  opts: { readonly exponents?: readonly number[]; readonly maxMoves?: number; readonly minGain?: number } = {},
): FeatureSearchStep[] {
  const exponents = opts.exponents ?? [0.4, 0.6, 0.8];
  const evaluate = (functions: readonly TimeFunction[]) => {
    let best = { eer: 1, exponent: 0 };
    for (const localScaleExponent of exponents) {
      const params = parseSignatureParams({ functions, frameDistance: 'manhattan', localScaleExponent });
      const eer = meanSd(runSvc2004(signatures, users, params, 1, undefined, { skilledOnly: true }).skilled).mean;
      if (eer < best.eer) best = { eer, exponent: localScaleExponent };
    }
    return best;
  };
  const steps: FeatureSearchStep[] = [{ functions: start, move: 'start', ...evaluate(start) }];
  for (let move = 0; move < (opts.maxMoves ?? 3); move++) {
    const current = steps[steps.length - 1];
    const moves: { functions: readonly TimeFunction[]; move: string }[] = [
      ...TIME_FUNCTIONS.filter((f) => !current.functions.includes(f)).map((f) => ({ functions: [...current.functions, f], move: `+${f}` })),
      ...(current.functions.length > 1 ? current.functions.map((f) => ({ functions: current.functions.filter((g) => g !== f), move: `-${f}` })) : []),
    ];
    let best: FeatureSearchStep | undefined;
    for (const m of moves) {
      const r = { ...m, ...evaluate(m.functions) };
      if (!best || r.eer < best.eer) best = r;
    }
    if (!best || best.eer > current.eer - (opts.minGain ?? 0.005)) break;
    steps.push(best);
  }
  return steps;
}
