import { ConfigError, type RasterImage } from '@biofuse/core';
import { BLAZEFACE_BACK, BlazeFaceDetector, FACEMESH_DETECTION_FULL, FACEMESH_DETECTION_SHORT } from './blazeface';
import { MeshLandmarker } from './mesh';
import { SkipDetector } from './skip';
import { SsdMobilenetDetector } from './ssd-mobilenet';
import { TinyFaceDetector } from './tiny-face';
import { selectFaces, type DetectOptions, type FaceDetection, type FaceDetector } from './types';

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
 * with its own confidence, never a guessed crop.
 */
class CascadeDetector implements FaceDetector {
  readonly name = 'cascade';
  constructor(private readonly stages: readonly { detector: FaceDetector; minConfidence: number }[]) {}

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    for (const { detector, minConfidence } of this.stages) {
      const faces = await detector.detect(image, { ...options, minConfidence: options.minConfidence ?? minConfidence });
      if (faces.length > 0) return faces;
    }
    return [];
  }
}

/** A detector, with the mesh landmark stage on top unless `landmarks: 'detector'`. */
class MeshRefinedDetector implements FaceDetector {
  readonly name: string;
  constructor(
    private readonly base: FaceDetector,
    private readonly mesh: MeshLandmarker,
  ) {
    this.name = `${base.name}+mesh`;
  }

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const out: FaceDetection[] = [];
    for (const face of await this.base.detect(image, options)) {
      const refined = await this.mesh.refine(image, face);
      // A face the mesh rejects keeps the detector's keypoints: still a detection, coarser
      // landmarks. A box without keypoints that the mesh rejects is not kept as a face.
      if (refined) out.push(refined);
      else if (face.landmarks.leftEye && face.landmarks.rightEye) out.push(face);
    }
    return selectFaces(out, options);
  }
}

const shared = new Map<string, FaceDetector>();

/** Detectors are built once per process and shared (their models load once). */
export function createDetector(choice: DetectorChoice = {}): FaceDetector {
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
  const base = baseDetector(name);
  return landmarks === 'mesh' ? new MeshRefinedDetector(base, new MeshLandmarker()) : new WrappedDetector(base);
}

function baseDetector(name: Exclude<DetectorName, 'skip'>): FaceDetector {
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
    case 'cascade':
      return new CascadeDetector([
        { detector: new BlazeFaceDetector(BLAZEFACE_BACK), minConfidence: 0.5 },
        { detector: new BlazeFaceDetector(FACEMESH_DETECTION_SHORT), minConfidence: 0.5 },
        { detector: new BlazeFaceDetector(BLAZEFACE_BACK), minConfidence: 0.2 },
        { detector: new BlazeFaceDetector(FACEMESH_DETECTION_SHORT), minConfidence: 0.2 },
        // Boxes only: the mesh stage must confirm the face and place its landmarks.
        { detector: new TinyFaceDetector(), minConfidence: 0.3 },
      ]);
  }
}

/** Applies the size / count limits to a bare detector. */
class WrappedDetector implements FaceDetector {
  readonly name: string;
  constructor(private readonly base: FaceDetector) {
    this.name = base.name;
  }
  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    return selectFaces(await this.base.detect(image, options), options);
  }
}
