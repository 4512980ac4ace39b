import { join } from 'node:path';
import { equalErrorRate, errorRateCurve, meanVariance, readSvc2004Folder, scoreSet, svc2004Protocol, type SubjectComparison } from '@biofuse/core';
import { dtwLocalDistance, enrolUser, scoreAgainstUser, type LocalDistance, type PopulationSpread } from '../src/compare/user-model';
import type { SignatureParams } from '../src/params';
import type { PenTrajectory } from '../src/pen-trajectory';
import { readSignature } from '../src/read/read-signature';
import { extractSignatureTemplate, type SignatureTemplate } from '../src/template';
import { globalFeatures } from '../src/features/global-features';
import { pooledWithinUserSpread } from '../src/features/global-spread';

/** Every SVC2004 signature read once, by file name, in the listing's order (not the order the reads finish: callers iterate it). */
export async function loadSvc2004(dir: string): Promise<Map<string, PenTrajectory>> {
  const listing = await readSvc2004Folder(dir);
  const read = await Promise.all(listing.samples.map((s) => readSignature(join(dir, s.path))));
  return new Map(listing.samples.map((s, k) => [s.path, read[k]]));
}

export interface ProtocolResult {
  /** EER of each trial, per impostor kind, with one threshold for all users (no random ones with `skilledOnly`). */
  readonly skilled: number[];
  readonly random: number[];
  /** EER of each trial with a threshold per user, averaged over the users (as some papers report). */
  readonly skilledPerUser: number[];
  readonly randomPerUser: number[];
  readonly comparisons: number;
  /** Genuine and skilled-forgery comparisons of all trials, with their users, for bootstrapEer. */
  readonly skilledByUser: SubjectComparison[];
}

const userOf = (path: string) => Number(/^U(\d+)S/.exec(path)?.[1]);

/**
 * Templates and DTW distances are kept per configuration that shapes them (time functions,
 * preprocessing, band, frame distance), so a grid over the scoring parameters, or a second
 * run on the same users, costs no new DTW. The scores still come from the package's own
 * enrolUser and scoreAgainstUser.
 */
const templateCache = new Map<string, Map<string, SignatureTemplate>>();
const distanceCache = new Map<string, Map<string, number>>();
const templateKey = (p: SignatureParams) => JSON.stringify([p.functions, p.keepPenUp, p.smoothingSamples, p.resamplePoints]);
const dtwKey = (p: SignatureParams) => JSON.stringify([templateKey(p), p.dtwBand, p.frameDistance]);

function cachedTemplates(signatures: Map<string, PenTrajectory>, paths: readonly string[], params: SignatureParams): Map<string, SignatureTemplate> {
  const key = templateKey(params);
  const cache = templateCache.get(key) ?? new Map<string, SignatureTemplate>();
  templateCache.set(key, cache);
  for (const path of paths) if (!cache.has(path)) cache.set(path, extractSignatureTemplate(signatures.get(path)!, params));
  return cache;
}

function memoisedDistance(templates: Map<string, SignatureTemplate>, params: SignatureParams): LocalDistance {
  const key = dtwKey(params);
  const cache = distanceCache.get(key) ?? new Map<string, number>();
  distanceCache.set(key, cache);
  const pathOf = new Map<SignatureTemplate, string>();
  for (const [path, t] of templates) pathOf.set(t, path);
  const dtw = dtwLocalDistance(params);
  return (a, b) => {
    // DTW is symmetric: one entry per unordered pair.
    const pa = pathOf.get(a)!;
    const pb = pathOf.get(b)!;
    const k = pa < pb ? `${pa}|${pb}` : `${pb}|${pa}`;
    let d = cache.get(k);
    if (d === undefined) cache.set(k, (d = dtw(a, b)));
    return d;
  };
}

/**
 * The SVC2004 protocol (seeded trials of 5 enrolment signatures from S1-S10; genuine S11-S20,
 * skilled S21-S40, random forgeries from other users) on the given users, one EER per trial
 * and kind with a threshold common to all users.
 */
export function runSvc2004(
  signatures: Map<string, PenTrajectory>,
  users: readonly number[],
  params: SignatureParams,
  seed = 1,
  population?: PopulationSpread,
  opts: { readonly skilledOnly?: boolean } = {},
): ProtocolResult {
  const samples = [...signatures.keys()].filter((p) => users.includes(userOf(p))).map((path) => ({ path, subject: String(userOf(path)) }));
  const templates = cachedTemplates(signatures, samples.map((s) => s.path), params);
  const distance = memoisedDistance(templates, params);
  const comparisons = svc2004Protocol(samples, { seed }).filter((c) => !opts.skilledOnly || c.kind !== 'random');
  const byTrial = new Map<number, { genuine: number[]; skilled: number[]; random: number[] }>();
  const byTrialUser = new Map<string, { genuine: number[]; skilled: number[]; random: number[] }>();
  const models = new Map<string, ReturnType<typeof enrolUser>>();
  const skilledByUser: SubjectComparison[] = [];
  for (const c of comparisons) {
    const key = c.reference.join('+');
    let model = models.get(key);
    if (!model) models.set(key, (model = enrolUser(c.reference.map((r) => templates.get(r)!), params, population, distance)));
    const s = scoreAgainstUser(model, templates.get(c.probe)!, params, distance).similarity;
    const user = userOf(c.reference[0]);
    if (c.kind !== 'random') skilledByUser.push({ a: user, b: user, score: s, genuine: c.kind === 'genuine' });
    const t = byTrial.get(c.fold ?? 0) ?? { genuine: [], skilled: [], random: [] };
    (c.kind === 'genuine' ? t.genuine : c.kind === 'skilled' ? t.skilled : t.random).push(s);
    byTrial.set(c.fold ?? 0, t);
    const uk = `${c.fold}:${userOf(c.reference[0])}`;
    const u = byTrialUser.get(uk) ?? { genuine: [], skilled: [], random: [] };
    (c.kind === 'genuine' ? u.genuine : c.kind === 'skilled' ? u.skilled : u.random).push(s);
    byTrialUser.set(uk, u);
  }
  const eer = (g: number[], i: number[]) => equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: i }))).value;
  const trials = [...byTrial.values()];
  const perUser = (kind: 'skilled' | 'random') =>
    [...byTrial.keys()].map((trial) => {
      const users = [...byTrialUser.entries()].filter(([k]) => k.startsWith(`${trial}:`)).map(([, v]) => eer(v.genuine, v[kind]));
      return users.reduce((a, b) => a + b, 0) / users.length;
    });
  return {
    skilled: trials.map((t) => eer(t.genuine, t.skilled)),
    random: opts.skilledOnly ? [] : trials.map((t) => eer(t.genuine, t.random)),
    skilledPerUser: perUser('skilled'),
    randomPerUser: opts.skilledOnly ? [] : perUser('random'),
    comparisons: comparisons.length,
    skilledByUser,
  };
}

/** SVC2004 user numbers from..to, inclusive. */
export function users(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The two halves every choice is made on and reported across, both ways. */
export const SVC2004_HALVES = { 'U1-U20': users(1, 20), 'U21-U40': users(21, 40) } as const;

export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const { mean, variance } = meanVariance(Float64Array.from(values));
  return { mean, sd: Math.sqrt(variance) };
}

/**
 * The pooled within-writer spread of each global feature (pooledWithinUserSpread) over the
 * enrolment pool, S1-S10, of the given users: the development constant that floors a user's
 * global-feature spread. Fitted on the tuning users only when the figures are held out.
 */
export function enrolmentPoolSpread(signatures: Map<string, PenTrajectory>, users: readonly number[]): Float64Array {
  const byUser = new Map<number, Float32Array[]>();
  for (const [path, p] of signatures) {
    const m = /^U(\d+)S(\d+)/.exec(path);
    if (!m || !users.includes(Number(m[1])) || Number(m[2]) > 10) continue;
    const set = byUser.get(Number(m[1])) ?? [];
    set.push(globalFeatures(p));
    byUser.set(Number(m[1]), set);
  }
  return pooledWithinUserSpread([...byUser.values()]);
}
