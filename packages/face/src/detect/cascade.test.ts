import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { checkDetectorChoice, createDetector, distinctFaces } from './cascade';
import type { FaceDetection } from './types';

const face = (x: number, y: number, side: number, confidence: number): FaceDetection => ({
  box: { x, y, width: side, height: side },
  confidence,
  landmarks: {},
  detector: 'test+mesh',
});

describe('distinctFaces', () => {
  it('keeps the more confident of two mesh boxes on one face, and faces side by side apart', () => {
    // IoU 0.82: one face refined from two detector boxes.
    expect(distinctFaces([face(0, 0, 100, 0.6), face(5, 5, 100, 0.9)])).toEqual([face(5, 5, 100, 0.9)]);
    // IoU 0.38, as two LFW faces cheek to cheek: both stay.
    expect(distinctFaces([face(0, 0, 100, 0.9), face(45, 0, 100, 0.8)])).toHaveLength(2);
  });
});

describe('checkDetectorChoice', () => {
  it('refuses an unknown detector or landmark stage by name (it was a TypeError on the first image)', () => {
    expect(() => createDetector({ detector: 'nope' as never })).toThrow(ConfigError);
    expect(() => checkDetectorChoice({ detector: 'nope' }, 'x')).toThrow(/x: detector must be one of cascade, .*, got "nope"/);
    expect(() => checkDetectorChoice({ landmarks: 'dense' })).toThrow(/landmarks must be "mesh" or "detector"/);
  });
});
