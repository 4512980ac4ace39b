import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { checkModelCard, readModelCard, type FaceModelCard } from './card';
import { builtinCardPath, modelCardPath } from './registry';

const tempFolder = temporaryFolders();

const dlib = async () => JSON.parse(await readFile(builtinCardPath('dlib-resnet'), 'utf8')) as FaceModelCard;

describe('model cards', () => {
  it('refuse alignment and normalisation values that would make every crop NaN', async () => {
    const card = await dlib();
    expect(checkModelCard(card).alignment).toEqual({ template: 'dlib-chip', padding: 0.25 });
    const { padding: _padding, ...noPadding } = card.alignment as { template: 'dlib-chip'; padding: number };
    expect(() => checkModelCard({ ...card, alignment: noPadding })).toThrow(/"alignment.padding"/);
    expect(() => checkModelCard({ ...card, alignment: { ...card.alignment, zoom: 0 } })).toThrow(/"alignment.zoom"/);
    expect(() => checkModelCard({ ...card, input: { ...card.input, mean: ['122', 117, 104] } })).toThrow(ConfigError);
  });

  it('refuse input sizes no model takes and thresholds that cannot decide', async () => {
    const card = await dlib();
    // 1.5 px made a tensor shape tfjs refused, 100,000 px a 30 GB buffer: both internal errors before.
    for (const width of [1.5, 100_000, 0]) expect(() => checkModelCard({ ...card, input: { ...card.input, width } })).toThrow(/"input.width\/height \(whole pixels, 1-2048\)"/);
    const configuration = Object.keys(card.thresholds ?? {})[0];
    const cosine = card.thresholds![configuration].cosine!;
    const withCosine = (atFmr1e3: unknown) => ({ ...card, thresholds: { [configuration]: { cosine: { ...cosine, atFmr1e3 } } } }) as unknown as FaceModelCard;
    // "abc" verified nothing and printed "threshold NaN, calibrated"; 5 accepts no pair.
    for (const bad of ['abc', 5, Number.NaN]) expect(() => checkModelCard(withCosine(bad))).toThrow(/cosine\.atFmr1e3 \(a similarity in \[-1, 1\]\)/);
    expect(() => checkModelCard({ ...card, thresholds: { [configuration]: { manhattan: cosine } } } as unknown as FaceModelCard)).toThrow(/manhattan \(metrics: /);
    expect(checkModelCard(withCosine(0.5)).thresholds![configuration].cosine!.atFmr1e3).toBe(0.5);
  });

  it('refuse a packaged model\'s source without its package, file or output (finding its weights was a TypeError)', async () => {
    const card = await dlib();
    const source = card.source as { kind: 'dlib-resnet'; package: string; file: string };
    expect(() => checkModelCard({ ...card, source: { kind: 'dlib-resnet', package: source.package } })).toThrow(new ConfigError('model card: missing or invalid "source.package/file"'));
    expect(() => checkModelCard({ ...card, source: { kind: 'tfjs-graph', file: 'models/faceres.json', output: 'o' } })).toThrow(/"source.package\/file"/);
    expect(() => checkModelCard({ ...card, source: { kind: 'tfjs-graph', package: '@vladmandic/human', file: 'models/faceres.json' } })).toThrow(/"source.output"/);
    expect(checkModelCard(card).source).toEqual(source);
  });

  it('say that a card path names no file (not that the model is unknown)', () => {
    expect(() => modelCardPath('/nonexistent/card.json')).toThrow('model card /nonexistent/card.json: no such file');
    expect(() => modelCardPath('no-such-model')).toThrow(/unknown face model "no-such-model"/);
  });

  it('resolve the files they name against their own folder, wherever the process runs', async () => {
    const dir = await tempFolder('biofuse-card-');
    await mkdir(join(dir, 'heads'));
    const card = await dlib();
    await writeFile(join(dir, 'onnx.json'), JSON.stringify({ ...card, source: { kind: 'onnx', path: 'model.onnx' } }));
    expect((await readModelCard(join(dir, 'onnx.json'))).source).toMatchObject({ kind: 'onnx', path: join(dir, 'model.onnx') });
    const head = { ...card, source: { kind: 'projection-head', base: 'base.json', weights: 'heads/w.bin' } };
    await writeFile(join(dir, 'head.json'), JSON.stringify(head));
    expect((await readModelCard(join(dir, 'head.json'))).source).toEqual({ kind: 'projection-head', base: join(dir, 'base.json'), weights: join(dir, 'heads', 'w.bin') });
    // A built-in base is a name, not a file.
    await writeFile(join(dir, 'head2.json'), JSON.stringify({ ...head, source: { ...head.source, base: 'dlib-resnet' } }));
    expect((await readModelCard(join(dir, 'head2.json'))).source).toMatchObject({ base: 'dlib-resnet' });
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...card, source: { kind: 'onnx' } }));
    await expect(readModelCard(join(dir, 'bad.json'))).rejects.toThrow(/"source.path"/);
  });
});
