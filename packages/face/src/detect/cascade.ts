import { ConfigError, type RasterImage } from '@biofuse/core';
import { BLAZEFACE_BACK, BlazeFaceDetector, FACEMESH_DETECTION_FULL, FACEMESH_DETECTION_SHORT } from './blazeface';
import { MeshLandmarker } from './mesh';
import { SkipDetector } from './skip';
import { SsdMobilenetDetector } from './ssd-mobilenet';
import { TinyFaceDetector } from './tiny-face';
import { selectFaces, type DetectOptions, type FaceBox, type FaceDetection, type FaceDetector } from './types';

export const DETECTOR_NAMES = ['cascade', 'blazeface', 'facemesh-short', 'facemesh-full', 'tiny-face', 'ssd-mobilenet', 'skip'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export interface DetectorChoice {
  readonly detector?: DetectorName;
  /** 'mesh' refines landmarks with FaceMesh (eye corners, mouth corners); 'detector' keeps the detector's six keypoints. */
  readonly landmarks?: 'mesh' | 'detector';
}

/**
 * Runs detectors in turn until one finds a face: each stage only sees images the previous
 * ones found nothing in, so the cascade costs one detector on most images. Confidence
 * thresholds fall along the cascade; a face found at a low threshold is still a detection
 * with its own confidence, never a guessed crop. With the mesh stage, "found" means confirmed
 * by the mesh: each stage is mesh-checked before the next is skipped.
 */
class CascadeDetector implements FaceDetector {
  constructor(
    readonly name: string,
    private readonly stages: readonly { detector: FaceDetector; minConfidence: number }[],
  ) {}

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    for (const { detector, minConfidence } of this.stages) {
      // "Found" means a face the size limit keeps: a stage whose faces were all too small ended
      // the cascade, and a large face the next stage finds was reported as no face at all.
      const faces = selectFaces(await detector.detect(image, { ...options, minConfidence: options.minConfidence ?? minConfidence }), { minFaceSize: options.minFaceSize });
      if (faces.length > 0) return faces;
    }
    return [];
  }
}

/**
 * Above this overlap (intersection over union of the mesh boxes) two confirmed faces are one
 * face refined from two detector boxes. Distinct faces side by side in LFW overlap by up to
 * 0.39 (the mesh box takes in the forehead), so they stay apart.
 */
const SAME_FACE_IOU = 0.5;

/**
 * A detector whose candidates must be confirmed by the FaceMesh stage, which also places their
 * landmarks. A candidate the mesh rejects is not a face, whatever its detector confidence or
 * keypoints: kept as a fallback, such boxes made 289 of 320 FVC2002 fingerprints "faces" (at
 * detector confidences up to 0.73), while on the 3,811 LFW images of pairs.txt they were the only
 * face of a single image (confidence 0.64) and otherwise extra boxes, in 4 images larger than the
 * real face (so it was the one embedded). No confidence separates the two; the mesh does.
 */
class MeshConfirmedDetector implements FaceDetector {
  readonly name: string;
  constructor(
    private readonly base: FaceDetector,
    private readonly mesh: MeshLandmarker,
  ) {
    this.name = `${base.name}+mesh`;
  }

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const confirmed: FaceDetection[] = [];
    for (const face of await this.base.detect(image, options)) {
      const refined = await this.mesh.refine(image, face);
      if (refined) confirmed.push(refined);
    }
    return distinctFaces(confirmed);
  }
}

/** Drops a face that overlaps a more confident one by more than SAME_FACE_IOU (greedy, most confident first). */
export function distinctFaces(faces: readonly FaceDetection[]): FaceDetection[] {
  const kept: FaceDetection[] = [];
  for (const face of [...faces].sort((a, b) => b.confidence - a.confidence)) {
    if (kept.every((k) => boxIou(k.box, face.box) <= SAME_FACE_IOU)) kept.push(face);
  }
  return kept;
}

function boxIou(a: FaceBox, b: FaceBox): number {
  const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / (a.width * a.height + b.width * b.height - ix * iy);
}

/**
 * Checks a detector choice given from outside the type system (a config file, JavaScript): an
 * unknown name was a TypeError on the first image, not a configuration error.
 */
export function checkDetectorChoice(choice: { readonly detector?: unknown; readonly landmarks?: unknown }, where = 'face detector'): void {
  if (choice.detector !== undefined && !(DETECTOR_NAMES as readonly unknown[]).includes(choice.detector)) {
    throw new ConfigError(`${where}: detector must be one of ${DETECTOR_NAMES.join(', ')}, got ${JSON.stringify(choice.detector)}`);
  }
  if (choice.landmarks !== undefined && choice.landmarks !== 'mesh' && choice.landmarks !== 'detector') {
    throw new ConfigError(`${where}: landmarks must be "mesh" or "detector", got ${JSON.stringify(choice.landmarks)}`);
  }
}

const shared = new Map<string, FaceDetector>();

/** Detectors are built once per process and shared (their models load once). */
export function createDetector(choice: DetectorChoice = {}): FaceDetector {
  checkDetectorChoice(choice);
  const name = choice.detector ?? 'cascade';
  const landmarks = name === 'skip' ? 'detector' : (choice.landmarks ?? 'mesh');
  const key = `${name}:${landmarks}`;
  let detector = shared.get(key);
  if (!detector) {
    detector = buildDetector(name, landmarks);
    shared.set(key, detector);
  }
  return detector;
}

function buildDetector(name: DetectorName, landmarks: 'mesh' | 'detector'): FaceDetector {
  if (name === 'skip') return new SkipDetector();
  if (landmarks === 'detector' && (name === 'tiny-face' || name === 'ssd-mobilenet')) {
    throw new ConfigError(`the ${name} detector finds boxes only: use it with the mesh landmark stage`);
  }
  const mesh = landmarks === 'mesh' ? new MeshLandmarker() : undefined;
  const stage = (detector: FaceDetector) => (mesh ? new MeshConfirmedDetector(detector, mesh) : detector);
  if (name === 'cascade') {
    // The mesh confirms each stage's faces: a stage whose boxes it rejects (the low-threshold
    // stages' only output on a tight close-up) hands the image on to the next stage.
    const stages = CASCADE_STAGES.map((s) => ({ detector: stage(s.detector()), minConfidence: s.minConfidence }));
    return new WrappedDetector(new CascadeDetector(mesh ? 'cascade+mesh' : 'cascade', stages));
  }
  return new WrappedDetector(stage(baseDetector(name)));
}

const CASCADE_STAGES: readonly { detector: () => FaceDetector; minConfidence: number }[] = [
  { detector: () => new BlazeFaceDetector(BLAZEFACE_BACK), minConfidence: 0.5 },
  { detector: () => new BlazeFaceDetector(FACEMESH_DETECTION_SHORT), minConfidence: 0.5 },
  { detector: () => new BlazeFaceDetector(BLAZEFACE_BACK), minConfidence: 0.2 },
  { detector: () => new BlazeFaceDetector(FACEMESH_DETECTION_SHORT), minConfidence: 0.2 },
  // Boxes only: the mesh stage must confirm the face and place its landmarks.
  { detector: () => new TinyFaceDetector(), minConfidence: 0.3 },
];

function baseDetector(name: Exclude<DetectorName, 'skip' | 'cascade'>): FaceDetector {
  switch (name) {
    case 'blazeface':
      return new BlazeFaceDetector(BLAZEFACE_BACK);
    case 'facemesh-short':
      return new BlazeFaceDetector(FACEMESH_DETECTION_SHORT);
    case 'facemesh-full':
      return new BlazeFaceDetector(FACEMESH_DETECTION_FULL);
    case 'tiny-face':
      return new TinyFaceDetector();
    case 'ssd-mobilenet':
      return new SsdMobilenetDetector();
  }
}

/** Applies the size / count limits once, to what the whole chain (cascade, mesh stage) found. */
class WrappedDetector implements FaceDetector {
  readonly name: string;
  constructor(private readonly base: FaceDetector) {
    this.name = base.name;
  }
  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    return selectFaces(await this.base.detect(image, options), options);
  }
}
