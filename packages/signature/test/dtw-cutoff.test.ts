import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset } from '@biofuse/core/testing';
import { dtwDistance } from '../src/compare/dtw';
import { DEFAULT_SIGNATURE_PARAMS } from '../src/params';
import { readSignature } from '../src/read/read-signature';
import { extractSignatureTemplate } from '../src/template';

const svc2004 = sharedDataset('svc2004-task2');

describe.skipIf(svc2004.skip)('DTW early abandoning on SVC2004 pairs', () => {
  it('returns a distance equal to the cutoff, never Infinity (the scaled cutoff rounded one ulp below the path cost)', async () => {
    const template = async (name: string) => extractSignatureTemplate(await readSignature(join(svc2004.path, name)), DEFAULT_SIGNATURE_PARAMS);
    // Two pairs where the old comparison (cost > cutoff x (n + m)) abandoned at exactly the distance.
    for (const [a, b] of [['U26S21.TXT', 'U26S17.TXT'], ['U2S21.TXT', 'U10S9.TXT']]) {
      const [ta, tb] = [await template(a), await template(b)];
      const opts = { band: 0.02, frameDistance: 'manhattan' as const };
      const d = dtwDistance(ta.local, tb.local, opts);
      expect(Number.isFinite(d)).toBe(true);
      expect(dtwDistance(ta.local, tb.local, { ...opts, abandonAbove: d })).toBe(d);
      expect(dtwDistance(tb.local, ta.local, { ...opts, abandonAbove: d })).toBe(d);
      expect(dtwDistance(ta.local, tb.local, { ...opts, abandonAbove: d * (1 - 1e-9) })).toBe(Number.POSITIVE_INFINITY);
    }
  });
});
