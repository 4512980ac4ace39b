import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { shippedDecisionThreshold, shippedDecisionThresholds } from './decision-threshold';
import { temporaryFolders } from '../testing';

const tempFolder = temporaryFolders();

describe('shippedDecisionThreshold', () => {
  it('reads the threshold measured for an FMR, with its source, and refuses others', async () => {
    const file = join(await tempFolder('biofuse-thresholds-'), 't.json');
    await writeFile(file, JSON.stringify({ source: 'set A', thresholds: [{ targetFmr: 0.01, threshold: 0.2 }, { targetFmr: 0.001, threshold: 0.35 }] }));
    expect(shippedDecisionThreshold(file, 0.001, 'test')).toEqual({ targetFmr: 0.001, threshold: 0.35, source: 'set A' });
    expect(shippedDecisionThreshold(file, 0.01, 'test').threshold).toBe(0.2);
    expect(() => shippedDecisionThreshold(file, 0.005, 'test')).toThrow(ConfigError);
    expect(() => shippedDecisionThreshold(file, 0.005, 'test')).toThrow(/no shipped test threshold for FMR 0.005 \(available: 0.01, 0.001\)/);
    expect(shippedDecisionThresholds(file).map((t) => [t.targetFmr, t.threshold, t.source])).toEqual([[0.01, 0.2, 'set A'], [0.001, 0.35, 'set A']]);
  });

  it('names a missing, unparsable or misshapen file in a ConfigError', async () => {
    const dir = await tempFolder('biofuse-thresholds-');
    await writeFile(join(dir, 'bad.json'), '{ not json');
    await writeFile(join(dir, 'shape.json'), JSON.stringify({ source: 'x' }));
    await writeFile(join(dir, 'nan.json'), JSON.stringify({ source: 'x', thresholds: [{ targetFmr: 0.01, threshold: 'high' }] }));
    expect(() => shippedDecisionThresholds(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the decision thresholds \(ENOENT\)/);
    expect(() => shippedDecisionThresholds(join(dir, 'bad.json'))).toThrow(ConfigError);
    expect(() => shippedDecisionThresholds(join(dir, 'shape.json'))).toThrow(/shape\.json: decision thresholds need/);
    expect(() => shippedDecisionThresholds(join(dir, 'nan.json'))).toThrow(ConfigError);
  });
});
