/**
 * The measurement behind the cascade's rule that a face is what the FaceMesh stage confirms
 * (src/detect/cascade.ts). For each image, every cascade stage in turn (until one yields a
 * mesh-confirmed face), each candidate with its detector confidence and the mesh's face flag;
 * then what two rules make of that:
 *   - old: the first stage with any candidate wins; a candidate the mesh rejects is kept as a
 *     face if it has two eye keypoints (the fallback);
 *   - new: the first stage with a mesh-confirmed face wins; rejected candidates are dropped
 *     (counted before the de-duplication of overlapping faces, which none of these sets needs).
 * Sets: `lfw [N]` (the images of pairs.txt, the first N), `fvc` (FVC2002 DB1-4_B), `junk`
 * (blank and seeded-noise images, and tight close-ups of LFW faces scaled to 300 px).
 * Usage: npx tsx bench/mesh-confirmation.bench.ts lfw 600 [--jsonl out.jsonl]
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage, readLfwPairs, type RasterImage } from '@biofuse/core';
import { seededNoiseImage, sharedDatasetsRoot } from '@biofuse/core/testing';
import { warpAffine } from '../src/align/warp';
import { BLAZEFACE_BACK, BlazeFaceDetector, FACEMESH_DETECTION_SHORT } from '../src/detect/blazeface';
import { MeshLandmarker } from '../src/detect/mesh';
import { TinyFaceDetector } from '../src/detect/tiny-face';

const { positionals, values: args } = parseArgs({ allowPositionals: true, options: { jsonl: { type: 'string' } } });
const [set = 'junk', limit] = positionals;
const root = sharedDatasetsRoot();
// The cascade's stages as src/detect/cascade.ts builds them, with the mesh's default 0.5 cut.
const STAGES = [
  { detector: new BlazeFaceDetector(BLAZEFACE_BACK), minConfidence: 0.5 },
  { detector: new BlazeFaceDetector(FACEMESH_DETECTION_SHORT), minConfidence: 0.5 },
  { detector: new BlazeFaceDetector(BLAZEFACE_BACK), minConfidence: 0.2 },
  { detector: new BlazeFaceDetector(FACEMESH_DETECTION_SHORT), minConfidence: 0.2 },
  { detector: new TinyFaceDetector(), minConfidence: 0.3 },
];
const MIN_FACE_SIZE = 20;
const mesh = new MeshLandmarker();

interface Candidate {
  readonly confidence: number;
  readonly flag: number;
  readonly eyes: boolean;
  readonly side: number;
  readonly meshSide?: number;
}

/** The central `side` px of a 250 px LFW image, scaled to `size` px. */
function closeUp(image: RasterImage, side: number, size: number): RasterImage {
  const s = size / side;
  const o = (image.width - side) / 2;
  const pixels = warpAffine(image, [s, 0, -o * s, 0, s, -o * s], size, size);
  return { width: size, height: size, channels: 3, data: Uint8Array.from(pixels, (v) => Math.round(v)) };
}

async function images(): Promise<{ name: string; load: () => Promise<RasterImage> }[]> {
  if (set === 'lfw') {
    const pairs = await readLfwPairs(join(root, 'lfw/pairs.txt'));
    const names = [...new Set(pairs.flatMap((p) => [p.reference[0], p.probe]))].slice(0, limit ? Number(limit) : undefined);
    return names.map((name) => ({ name, load: () => decodeImage(join(root, 'lfw/images', name)) }));
  }
  if (set === 'fvc') {
    return ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'].flatMap((db) =>
      readdirSync(join(root, 'fvc2002', db))
        .filter((f) => f.endsWith('.tif'))
        .sort()
        .map((f) => ({ name: `${db}/${f}`, load: () => decodeImage(join(root, 'fvc2002', db, f)) })),
    );
  }
  const list: { name: string; load: () => Promise<RasterImage> }[] = [0, 128, 255].map((v) => ({
    name: `flat-${v}`,
    load: async () => ({ width: 300, height: 300, channels: 3, data: new Uint8Array(300 * 300 * 3).fill(v) }),
  }));
  for (let seed = 1; seed <= 10; seed++) list.push({ name: `noise-${seed}`, load: async () => seededNoiseImage(256 + 16 * seed, 256, seed) });
  for (const who of ['Abdullah_Gul', 'Abel_Pacheco', 'Amber_Tamblyn', 'Akhmed_Zakayev', 'Alberto_Sordi', 'Ana_Palacio', 'Babe_Ruth', 'Claire_Danes']) {
    for (const side of [50, 60, 70, 80, 90, 110, 130, 160]) {
      list.push({ name: `closeup-${side}-${who}`, load: async () => closeUp(await decodeImage(join(root, 'lfw/images', who, `${who}_0001.jpg`)), side, 300) });
    }
  }
  return list;
}

/** Candidates per stage, stopping after the first stage with a mesh-confirmed face. */
async function measure(image: RasterImage): Promise<Candidate[][]> {
  const stages: Candidate[][] = [];
  for (const { detector, minConfidence } of STAGES) {
    const candidates: Candidate[] = [];
    for (const face of await detector.detect(image, { minConfidence })) {
      const refined = await mesh.refine(image, face, { minMeshConfidence: 0 });
      candidates.push({
        confidence: face.confidence,
        flag: refined ? refined.confidence / face.confidence : 0,
        eyes: face.landmarks.leftEye !== undefined && face.landmarks.rightEye !== undefined,
        side: Math.min(face.box.width, face.box.height),
        meshSide: refined && Math.min(refined.box.width, refined.box.height),
      });
    }
    stages.push(candidates);
    if (candidates.some((c) => c.flag >= 0.5)) break;
  }
  return stages;
}

const confirmed = (c: Candidate) => c.flag >= 0.5 && c.meshSide! >= MIN_FACE_SIZE;
const fallback = (c: Candidate) => c.flag < 0.5 && c.eyes && c.side >= MIN_FACE_SIZE;

const all = await images();
const lines: string[] = [];
const tally = { images: all.length, oldWithFace: 0, oldFaces: 0, oldFallbackOnly: 0, oldFallbackBoxes: 0, newWithFace: 0, newFaces: 0 };
const fallbackConfidences: number[] = [];
for (const { name, load } of all) {
  const stages = await measure(await load());
  lines.push(JSON.stringify({ name, stages }));
  const first = stages.find((s) => s.length > 0) ?? [];
  const kept = first.filter((c) => confirmed(c) || fallback(c));
  const rescued = first.filter(fallback);
  tally.oldFaces += kept.length;
  tally.oldFallbackBoxes += rescued.length;
  if (kept.length > 0) tally.oldWithFace++;
  if (rescued.length > 0 && rescued.length === kept.length) tally.oldFallbackOnly++;
  fallbackConfidences.push(...rescued.map((c) => c.confidence));
  const found = stages.find((s) => s.some(confirmed))?.filter(confirmed) ?? [];
  tally.newFaces += found.length;
  if (found.length > 0) tally.newWithFace++;
}
if (args.jsonl) writeFileSync(args.jsonl, `${lines.join('\n')}\n`);
fallbackConfidences.sort((a, b) => b - a);
console.log(JSON.stringify({ set, ...tally, fallbackConfidenceMax: fallbackConfidences[0] ?? null, fallbackConfidencesTop10: fallbackConfidences.slice(0, 10).map((c) => Number(c.toFixed(3))) }, null, 2));
