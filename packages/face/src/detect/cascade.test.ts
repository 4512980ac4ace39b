import { describe, expect, it } from 'vitest';
import { CascadeDetector } from './cascade';
import type { FaceDetection, FaceDetector } from './types';

/** A stage that always finds one face of the given side. */
const finds = (name: string, side: number): FaceDetector => ({
  name,
  detect: async () => [{ box: { x: 0, y: 0, width: side, height: side }, confidence: 0.9, landmarks: {}, detector: name } as FaceDetection],
});

describe('CascadeDetector', () => {
  const image = { width: 200, height: 200, channels: 3 as const, data: new Uint8Array(200 * 200 * 3) };
  const cascade = new CascadeDetector([
    { detector: finds('far', 12), minConfidence: 0.5 },
    { detector: finds('close', 120), minConfidence: 0.5 },
  ]);

  it('stops at the first stage that finds a face', async () => {
    expect((await cascade.detect(image, {})).map((f) => f.detector)).toEqual(['far']);
  });

  it('goes on past a stage whose faces are all below the size limit', async () => {
    // A small background face must not keep the close-range stage from finding the subject.
    expect((await cascade.detect(image, { minFaceSize: 20 })).map((f) => f.detector)).toEqual(['close']);
  });
});
