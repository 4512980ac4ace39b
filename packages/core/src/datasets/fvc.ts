import { readdir } from 'node:fs/promises';
import { DatasetError } from '../errors';
import type { DatasetListing, DatasetSample, ProtocolComparison, SkippedFile } from './samples';

const FVC_NAME = /^(\d+)_(\d+)\.(tif|tiff|bmp|png)$/i;

/** An FVC database folder: `<finger>_<impression>.tif` (B and A sets alike). */
export async function readFvcFolder(dir: string): Promise<DatasetListing> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort(byFingerThenImpression);
  } catch (err) {
    throw new DatasetError(`cannot list FVC folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`, dir);
  }
  const samples: DatasetSample[] = [];
  const skipped: SkippedFile[] = [];
  for (const name of names) {
    const m = FVC_NAME.exec(name);
    if (m) samples.push({ path: name, subject: m[1] });
    else skipped.push({ path: name, reason: 'name is not <finger>_<impression>.<tif|bmp|png>' });
  }
  return { samples, skipped };
}

/**
 * The FVC protocol: genuine = every pair of impressions of a finger (symmetric matches
 * skipped); impostor = the first impression of each finger against the first impression of
 * every later finger. It applies to any listing with several samples per subject.
 */
export function fvcProtocol(samples: readonly DatasetSample[]): ProtocolComparison[] {
  const byFinger = new Map<string, string[]>();
  for (const s of samples) {
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

/** Numbers in numeric order, other names in code-point order (stable across locales). */
function naturalOrder(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function byFingerThenImpression(a: string, b: string): number {
  const ma = FVC_NAME.exec(a);
  const mb = FVC_NAME.exec(b);
  if (!ma || !mb) return naturalOrder(a, b);
  return Number(ma[1]) - Number(mb[1]) || Number(ma[2]) - Number(mb[2]);
}
