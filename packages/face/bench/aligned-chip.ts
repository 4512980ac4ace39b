/**
 * The training benches' face chip: an LFW image loaded, detected and aligned onto a model's
 * template by the normal pipeline (FaceRecognizer.detect -> alignFace), the first face found.
 */
import { alignFace } from '../src/align/align';
import type { LandmarkTemplate } from '../src/align/templates';
import type { FaceRecognizer } from '../src/recognizer';
import type { Chip } from './siamese-shift-degrade';

type Image = Awaited<ReturnType<FaceRecognizer['loadImage']>>;
type DetectedFace = Awaited<ReturnType<FaceRecognizer['detect']>>[number];

export async function alignedLfwChip(recognizer: FaceRecognizer, root: string, image: string, template: LandmarkTemplate): Promise<{ chip: Chip; pixels: Image; face: DetectedFace }> {
  const pixels = await recognizer.loadImage(`${root}/images/${image}`);
  const faces = await recognizer.detect(pixels, image);
  return { chip: alignFace(pixels, faces[0].landmarks, template), pixels, face: faces[0] };
}
