import { describe, expect, it } from 'vitest';
import { ModalityUnavailableError } from '@biofuse/core';
import { modelFile, type ModelPackage } from './model-files';

describe('modelFile', () => {
  it('says which package is not installed (not "available: ..." as if it listed modalities)', () => {
    const missing = () => modelFile('@vladmandic/not-installed' as ModelPackage, 'models/x.json');
    expect(missing).toThrow(ModalityUnavailableError);
    expect(missing).toThrow('the face modality needs the npm package @vladmandic/not-installed (model files), which is not installed in this build of biofuse');
  });
});
