import { AcquisitionError, type Modality } from '@biofuse/core';

/**
 * A stand-in modality for runner tests: a sample is a text file holding one number, and two
 * samples are as similar as their numbers are close. `onLoad` runs before each sample is read.
 */
export function numberModality(onLoad: () => void = () => undefined): Modality<number, number> {
  return {
    name: 'fingerprint',
    async load(input) {
      onLoad();
      const v = Number(String(input).trim());
      if (Number.isNaN(v)) throw new AcquisitionError('unreadable', 'not a number');
      return v;
    },
    extract: async (sample) => sample,
    compare: (a, b) => ({ similarity: -Math.abs(a - b) }),
    encode: (t) => new Uint8Array(new Float64Array([t]).buffer),
    decode: (b) => new Float64Array(b.buffer)[0],
  };
}
