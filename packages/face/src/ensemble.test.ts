import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { faceModelFiles, resolveModels, type ModelChoice } from './ensemble';
import { parseFaceParams } from './face-modality';
import { FaceRecognizer } from './recognizer';

const tempFolder = temporaryFolders();

const RULE = 'weights must be finite numbers >= 0, not all 0';

// Built-in models: resolving them reads their cards only, and they have no files of their own.
const REFUSED: readonly [readonly ModelChoice[], string][] = [
  // A lone Infinity passed resolveModels and faceModelFiles (as weight 1); the recogniser's options refused it.
  [[{ model: 'dlib-resnet', weight: Number.POSITIVE_INFINITY }], 'member 0 (dlib-resnet) has weight Infinity'],
  // Beside another model: every normalised weight was NaN or 0.
  [[{ model: 'dlib-resnet', weight: Number.POSITIVE_INFINITY }, 'mobileface'], 'member 0 (dlib-resnet) has weight Infinity'],
  [['dlib-resnet', { model: 'mobileface', weight: -1 }], 'member 1 (mobileface) has weight -1'],
  [[{ model: 'dlib-resnet', weight: Number.NaN }], 'member 0 (dlib-resnet) has weight NaN'],
  [[{ model: 'dlib-resnet', weight: 0 }, { model: 'mobileface', weight: 0 }], 'every weight is 0'],
  // Each finite, their sum not: each normalised weight was 0.
  [[{ model: 'dlib-resnet', weight: 1e308 }, { model: 'mobileface', weight: 1e308 }], 'the weights add up to Infinity'],
];

describe('ensemble weights: one rule for resolveModels, faceModelFiles and the recogniser\'s options', () => {
  it('refuses the same weights everywhere, with the same words', async () => {
    for (const [models, why] of REFUSED) {
      const what = JSON.stringify(models, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
      await expect(resolveModels(models), what).rejects.toThrow(new ConfigError(`face models: ${why}; ${RULE}`));
      await expect(faceModelFiles(models), what).rejects.toThrow(new ConfigError(`face models: ${why}; ${RULE}`));
      expect(() => parseFaceParams({ models }), what).toThrow(new ConfigError(`face params: models: ${why}; ${RULE}`));
      await expect(FaceRecognizer.create({ models, detector: 'skip' }), what).rejects.toThrow(new ConfigError(`face recognizer options: models: ${why}; ${RULE}`));
    }
  });

  it('leaves members of weight 0 out everywhere: one left is that model', async () => {
    // A member of weight 0 is not even looked up: this one does not exist.
    const models = ['dlib-resnet', { model: 'no-such-model', weight: 0 }];
    expect(await resolveModels(models)).toEqual(await resolveModels('dlib-resnet'));
    expect(await faceModelFiles(models)).toEqual([]);
    expect(parseFaceParams({ models }).models).toEqual(models);
    const two = await resolveModels([{ model: 'dlib-resnet', weight: 3 }, { model: 'no-such-model', weight: 0 }, { model: 'mobileface', weight: 1 }]);
    expect(two.id).toBe('dlib-resnet*0.75+mobileface*0.25');
    expect(two.members.map((m) => [m.card.name, m.weight])).toEqual([['dlib-resnet', 0.75], ['mobileface', 0.25]]);
  });

  it('checks an ensemble card\'s weights by the same rule (a card of weights all 0 was listed as files)', async () => {
    const dir = await tempFolder('biofuse-ensemble-');
    const card = async (name: string, text: string) => {
      const path = join(dir, `${name}.json`);
      await writeFile(path, text);
      return path;
    };
    const zeros = await card('zeros', JSON.stringify({ name: 'zeros', description: '', members: [{ model: 'dlib-resnet', weight: 0 }, { model: 'mobileface', weight: 0 }] }));
    await expect(faceModelFiles(zeros)).rejects.toThrow(new ConfigError(`${zeros}: every weight is 0; ${RULE}`));
    await expect(resolveModels(zeros)).rejects.toThrow(new ConfigError(`${zeros}: every weight is 0; ${RULE}`));
    // JSON's 1e999 reads as Infinity.
    const infinite = await card('infinite', '{ "name": "infinite", "description": "", "members": [{ "model": "dlib-resnet", "weight": 1e999 }] }');
    await expect(faceModelFiles(infinite)).rejects.toThrow(new ConfigError(`${infinite}: member 0 (dlib-resnet) has weight Infinity; ${RULE}`));
    await expect(resolveModels(infinite)).rejects.toThrow(new ConfigError(`${infinite}: member 0 (dlib-resnet) has weight Infinity; ${RULE}`));
    // A card keeps its name (its thresholds are calibrated for it) with one member left.
    const one = await card('one', JSON.stringify({ name: 'one', description: '', members: [{ model: 'dlib-resnet', weight: 2 }, { model: 'no-such-model', weight: 0 }] }));
    expect(await faceModelFiles(one)).toEqual([one]);
    expect(await resolveModels(one)).toMatchObject({ id: 'one', members: [{ card: { name: 'dlib-resnet' }, weight: 1 }], cardPath: one });
  });
});
