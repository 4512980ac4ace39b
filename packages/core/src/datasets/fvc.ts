import { byCodeUnits } from '../code-unit-order';
import { DatasetError } from '../errors';
import { readKeyedFolder } from './keyed-folder';
import type { DatasetListing, DatasetSample, ProtocolComparison } from './samples';

const FVC_NAME = /^(\d+)_(\d+)\.(tif|tiff|bmp|png)$/i;

/**
 * An FVC database folder: `<finger>_<impression>.tif` (B and A sets alike). An impression is
 * its (finger, impression) numbers: a second file for one (101_1.png beside 101_1.tif, or
 * 101_01.tif) is skipped with the name of the one kept, the first in name order, so that no
 * impression is compared with itself.
 */
export async function readFvcFolder(dir: string): Promise<DatasetListing> {
  return readKeyedFolder(dir, {
    dataset: 'FVC',
    pattern: FVC_NAME,
    mismatch: 'name is not <finger>_<impression>.<tif|bmp|png>',
    // Numbers, not digits: 101_01 is impression 1 of finger 101, as 0101_1 is.
    key: (m) => ({ key: `impression ${Number(m[1])}_${Number(m[2])}`, subject: String(Number(m[1])) }),
    order: byFingerThenImpression,
  });
}

/**
 * The FVC protocol: genuine = every pair of impressions of a finger (symmetric matches
 * skipped); impostor = the first impression of each finger against the first impression of
 * every later finger. It applies to any listing with several samples per subject.
 */
export function fvcProtocol(samples: readonly DatasetSample[]): ProtocolComparison[] {
  const byFinger = new Map<string, string[]>();
  const seen = new Map<string, string>();
  for (const s of samples) {
    // Listed twice, a sample was compared with itself: a genuine pair under one subject, an impostor pair under two.
    const other = seen.get(s.path);
    if (other !== undefined) throw new DatasetError(`FVC protocol: sample "${s.path}" is listed twice (subjects "${other}" and "${s.subject}")`);
    seen.set(s.path, s.subject);
    const list = byFinger.get(s.subject) ?? [];
    list.push(s.path);
    byFinger.set(s.subject, list);
  }
  const fingers = [...byFinger.keys()].sort(naturalOrder);
  for (const f of fingers) byFinger.get(f)?.sort(byFingerThenImpression);
  const out: ProtocolComparison[] = [];
  for (const f of fingers) {
    const imps = byFinger.get(f) ?? [];
    for (let i = 0; i < imps.length; i++) {
      for (let j = i + 1; j < imps.length; j++) out.push({ reference: [imps[i]], probe: imps[j], genuine: true, kind: 'genuine' });
    }
  }
  for (let a = 0; a < fingers.length; a++) {
    for (let b = a + 1; b < fingers.length; b++) {
      const ra = byFinger.get(fingers[a])?.[0];
      const rb = byFinger.get(fingers[b])?.[0];
      if (ra && rb) out.push({ reference: [ra], probe: rb, genuine: false, kind: 'impostor' });
    }
  }
  return out;
}

/**
 * Numbers in numeric order before other names in code-unit order (stable across locales), ties
 * by code units: one order whatever the listing order (by code units alone, 9 < 10 < 1a < 9).
 */
function naturalOrder(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const fa = Number.isFinite(na);
  const fb = Number.isFinite(nb);
  if (fa !== fb) return fa ? -1 : 1;
  return (fa ? na - nb : 0) || byCodeUnits(a, b);
}

/** By finger, then impression number, then name, FVC names before others: one order whatever order the folder lists them in. */
function byFingerThenImpression(a: string, b: string): number {
  const ma = FVC_NAME.exec(a);
  const mb = FVC_NAME.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : naturalOrder(a, b);
  return Number(ma[1]) - Number(mb[1]) || Number(ma[2]) - Number(mb[2]) || byCodeUnits(a, b);
}
