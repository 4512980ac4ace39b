/**
 * Shared by the match-* bench scripts: loads a folder of ISO/IEC 19794-2 records named
 * <finger>_<impression>.iso and scores it with the FVC protocol.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bootstrapEer, errorRateCurve, equalErrorRate, fnmrAtFmr, scoreSet, zeroFmr, type SubjectComparison } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import type { FingerprintTemplate } from '../src/template/fingerprint-template';
import { readIsoTemplate } from '../src/template/iso19794-2';
import { reframeTemplate } from '../src/template/reframe';

export interface LabelledTemplate {
  readonly finger: number;
  readonly impression: number;
  readonly template: FingerprintTemplate;
}

/**
 * How to read the FVC ISO records: 'stored' takes them as they are (a 300 x 400 frame at
 * 500 dpi, which is what their header says); 'original' maps them back onto the database's
 * real image size and resolution (the records were extracted from images resized to 300 x 400,
 * so in the stored frame x and y are scaled differently; see src/template/reframe.ts).
 */
export type IsoFrame = 'stored' | 'original';

/** Image size and resolution of the FVC databases (from the competitions' reports). */
const FVC_IMAGES: Record<string, { width: number; height: number; dpi: number }> = {
  'fvc2002/DB1_B': { width: 388, height: 374, dpi: 500 },
  'fvc2002/DB2_B': { width: 296, height: 560, dpi: 569 },
  'fvc2002/DB3_B': { width: 300, height: 300, dpi: 500 },
  'fvc2002/DB4_B': { width: 288, height: 384, dpi: 500 },
  'fvc2004/DB1_B': { width: 640, height: 480, dpi: 500 },
  'fvc2004/DB2_B': { width: 328, height: 364, dpi: 500 },
  'fvc2004/DB3_B': { width: 300, height: 480, dpi: 512 },
  'fvc2004/DB4_B': { width: 288, height: 384, dpi: 500 },
};

/** The sensor resolution of an FVC2002 B set ('DB1_B' .. 'DB4_B'): DB2 is 569 dpi and its TIFFs do not say. */
export function fvc2002Dpi(db: string): number {
  const image = FVC_IMAGES[`fvc2002/${db}`];
  if (!image) throw new Error(`no FVC2002 set named ${db}`);
  return image.dpi;
}

/** Reads <finger>_<impression>.iso records; `competition` defaults to the one the path names. */
export function loadIsoFolder(dir: string, frame: IsoFrame = 'stored', competition?: 'fvc2002' | 'fvc2004'): LabelledTemplate[] {
  const db = basename(dir);
  const image = FVC_IMAGES[`${competition ?? (dir.includes('2004') ? 'fvc2004' : 'fvc2002')}/${db}`];
  if (frame === 'original' && !image) throw new Error(`no FVC image size known for ${dir}`);
  return readdirSync(dir)
    .filter((f) => /^\d+_\d+\.iso$/.test(f))
    .map((f) => {
      const [finger, impression] = f.replace('.iso', '').split('_').map(Number);
      const stored = readIsoTemplate(new Uint8Array(readFileSync(join(dir, f))));
      const template = frame === 'stored' ? stored : { ...reframeTemplate(stored, image.width, image.height), dpi: image.dpi };
      return { finger, impression, template };
    })
    .sort((a, b) => a.finger - b.finger || a.impression - b.impression);
}

export interface ProtocolScores {
  /** All C(8,2) pairs of each finger's impressions. */
  readonly genuine: number[];
  /** FVC: first impression of each finger vs the first of every other. */
  readonly impostorFvc: number[];
  /** Every cross-finger pair of impressions. */
  readonly impostorAll: number[];
  /** Every pair (genuine and all impostors) with its two fingers, for the fingers bootstrap. */
  readonly comparisons: SubjectComparison[];
}

/** Scores the FVC protocol with `score(i, j)` over indices into `items` (i < j); only their finger and impression are read. */
export function protocolScores(items: readonly { readonly finger: number; readonly impression: number }[], score: (i: number, j: number) => number): ProtocolScores {
  const genuine: number[] = [];
  const impostorFvc: number[] = [];
  const impostorAll: number[] = [];
  const comparisons: SubjectComparison[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const s = score(i, j);
      comparisons.push({ a: items[i].finger, b: items[j].finger, score: s });
      if (items[i].finger === items[j].finger) genuine.push(s);
      else {
        impostorAll.push(s);
        if (items[i].impression === 1 && items[j].impression === 1) impostorFvc.push(s);
      }
    }
  }
  return { genuine, impostorFvc, impostorAll, comparisons };
}

export interface ProtocolMetrics {
  /** EER with the 45 FVC impostor pairs, and with all cross-finger pairs. */
  readonly eerFvc: number;
  readonly eerAll: number;
  /** FNMR at FMR <= 1 % and ZeroFMR, both with all cross-finger impostor pairs. */
  readonly fnmrAt1: number;
  readonly zeroFmr: number;
  readonly counts: string;
  /** 95 % interval of eerAll by resampling fingers (bootstrapEer, seed 1), when asked for. */
  readonly eerAllInterval?: readonly [number, number];
}

export function protocolMetrics(s: ProtocolScores, opts: { readonly interval?: boolean } = {}): ProtocolMetrics {
  const fvc = errorRateCurve(scoreSet({ genuine: s.genuine, impostor: s.impostorFvc }));
  const all = errorRateCurve(scoreSet({ genuine: s.genuine, impostor: s.impostorAll }));
  return {
    eerFvc: equalErrorRate(fvc).value,
    eerAll: equalErrorRate(all).value,
    fnmrAt1: fnmrAtFmr(all, 0.01).fnmr,
    zeroFmr: zeroFmr(all).fnmr,
    counts: `${s.genuine.length}/${s.impostorFvc.length}/${s.impostorAll.length}`,
    ...(opts.interval ? { eerAllInterval: interval(bootstrapEer(s.comparisons, { seed: 1 })) } : {}),
  };
}

const interval = (b: { low: number; high: number }): [number, number] => [b.low, b.high];

export const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export const FVC2002_ISO = join(sharedDatasetsRoot(), 'fvc2002/iso-templates');
export const FVC2004_ISO = join(sharedDatasetsRoot(), 'fvc2004-iso-templates');
export const DBS = ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'] as const;
