import { ConfigError, type Score } from '@biofuse/core';
import type { SignatureParams } from '../params';
import type { SignatureTemplate } from '../template';
import { dtwDistance } from './dtw';
import { dtwOptions, scoreFromDistances, type SignatureUserModel } from './user-model';

export interface EnrolledSigner<Id> {
  readonly id: Id;
  readonly model: SignatureUserModel;
}

export interface SignerCandidate<Id> {
  readonly id: Id;
  readonly score: Score;
}

export interface IdentificationResult<Id> {
  /** The best k users, best first, with exactly the scores scoreAgainstUser gives. */
  readonly candidates: SignerCandidate<Id>[];
  /** Users whose score was computed in full; the others were ruled out by a lower bound. */
  readonly usersScored: number;
  /** DTW alignments started, and how many of them stopped early because they could no longer matter. */
  readonly dtwRuns: number;
  readonly dtwAbandoned: number;
}

/**
 * 1:N search: the k enrolled users whose models score the probe best, the same ranking as
 * scoring every user with scoreAgainstUser, while running most alignments only part-way.
 *
 * A user's total distance is at least its value with the DTW part at its smallest possible,
 * the nearest reference's distance (the combined distance is never below the minimum): that
 * gives, before any DTW, a bound to order users by and to stop at, and, once k users are
 * known, a distance every reference must stay under for the user to matter. Each DTW runs
 * with that cutoff (dtwDistance's abandonAbove, checked against the partial path's lower
 * bound row by row); a user whose references all overrun it is out, and one that has a
 * reference under it gets its overrun references aligned in full.
 */
export function identifySigner<Id>(
  probe: SignatureTemplate,
  enrolled: readonly EnrolledSigner<Id>[],
  params: SignatureParams,
  k = 1,
): IdentificationResult<Id> {
  if (!(Number.isInteger(k) && k >= 1)) throw new ConfigError(`identifySigner: k must be a positive integer, got ${k}`);
  const opts = dtwOptions(params);
  const exponent = params.localScaleExponent;
  // With every DTW distance at 0 the score is the user's global part less its centre: the bound before any DTW.
  const order = enrolled.map((user, index) => {
    const atZero = -scoreFromDistances(user.model, probe, user.model.references.map(() => 0), params).similarity;
    return { index, atZero };
  });
  order.sort((a, b) => a.atZero - b.atZero);
  const best: SignerCandidate<Id>[] = [];
  let usersScored = 0;
  let dtwRuns = 0;
  let dtwAbandoned = 0;
  for (const { index, atZero } of order) {
    const kth = best.length === k ? -best[k - 1].score.similarity : Number.POSITIVE_INFINITY;
    if (atZero >= kth) break;
    const { model } = enrolled[index];
    // total = atZero + combined / scale^e >= atZero + nearest / scale^e, so the user matters only if nearest < cutoff.
    const cutoff = (kth - atZero) * model.localScale ** exponent;
    const distances = model.references.map((r) => dtwDistance(r.local, probe.local, { ...opts, abandonAbove: cutoff }));
    dtwRuns += distances.length;
    const overrun = distances.filter((d) => d === Number.POSITIVE_INFINITY).length;
    dtwAbandoned += overrun;
    if (overrun === distances.length) continue;
    for (let i = 0; i < distances.length; i++) {
      if (distances[i] !== Number.POSITIVE_INFINITY) continue;
      distances[i] = dtwDistance(model.references[i].local, probe.local, opts);
      dtwRuns++;
    }
    const score = scoreFromDistances(model, probe, distances, params);
    usersScored++;
    let at = best.length;
    while (at > 0 && best[at - 1].score.similarity < score.similarity) at--;
    if (at < k) {
      best.splice(at, 0, { id: enrolled[index].id, score });
      if (best.length > k) best.pop();
    }
  }
  return { candidates: best, usersScored, dtwRuns, dtwAbandoned };
}
