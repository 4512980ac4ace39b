import { describe, expect, it } from 'vitest';
import { ModalityUnavailableError } from '@biofuse/core';
import { thrownBy } from '@biofuse/core/testing';
import { modelFile, type ModelPackage } from './model-files';

describe('modelFile', () => {
  it('says which package is not installed (not "available: ..." as if it listed modalities)', () => {
    const missing = () => modelFile('@vladmandic/not-installed' as ModelPackage, 'models/x.json');
    expect(missing).toThrow(ModalityUnavailableError);
    expect(missing).toThrow('the face modality needs the npm package @vladmandic/not-installed (model files), which is not installed in this build of biofuse');
  });

  it('keeps the resolver\'s own error as the cause (its search paths tell a missing package from a broken one)', () => {
    const error = thrownBy(() => modelFile('@vladmandic/not-installed' as ModelPackage, 'models/x.json'));
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });
});
