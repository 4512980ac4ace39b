import { dtwDistance } from '../src/compare/dtw';
import { dtwOptions } from '../src/compare/user-model';
import type { SignatureParams } from '../src/params';
import type { PenTrajectory } from '../src/pen-trajectory';
import { extractSignatureTemplate } from '../src/template';

/** DTW comparisons per second on one core, over pairs of signatures of 150-250 points (as the parameters keep them). */
export function dtwThroughput(signatures: Map<string, PenTrajectory>, params: SignatureParams, seconds = 3): { perSecond: number; meanPoints: number; pairs: number } {
  const templates = [...signatures.values()]
    .map((p) => extractSignatureTemplate(p, params))
    .filter((t) => t.local.length >= 150 && t.local.length <= 250);
  const opts = dtwOptions(params);
  let points = 0;
  for (const t of templates) points += t.local.length;
  // Warm up the JIT, then count for a fixed time.
  for (let i = 0; i < 200; i++) dtwDistance(templates[i % templates.length].local, templates[(i * 7 + 3) % templates.length].local, opts);
  let pairs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 100; k++, pairs++) {
      dtwDistance(templates[pairs % templates.length].local, templates[(pairs * 7 + 3) % templates.length].local, opts);
    }
  }
  return { perSecond: (pairs * 1000) / (performance.now() - start), meanPoints: points / templates.length, pairs };
}
