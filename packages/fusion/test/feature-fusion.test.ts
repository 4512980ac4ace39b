import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, equalErrorRate, errorRateCurve, scoreSet, seededRandom } from '@biofuse/core';
import { temporaryFolders, thrownBy } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import { FEATURE_FUSION_VERSION, FeatureFusion, featureFusionFromJSON, type FeatureProjection, type FeatureViews, type SerializedFeatureFusion } from '../src/feature/feature-fusion';
import { fitCca, fitDca, fitLda, fitPca, project, type LinearProjection } from '../src/feature/projections';

/**
 * Subjects with a 4-D identity seen through two noisy modalities (10-D and 8-D random mixes of it);
 * the first modality is noisier, so neither alone is as good as both.
 */
function views(subjects: number, perSubject: number, seed: number, firstSubject = 0): FeatureViews {
  const rng = seededRandom(seed);
  const mix = (rows: number, mixSeed: number) => {
    const r = seededRandom(mixSeed);
    return Float64Array.from({ length: rows * 4 }, () => r.normal());
  };
  const ma = mix(10, 101);
  const mb = mix(8, 202);
  const n = subjects * perSubject;
  const a = new Float64Array(n * 10);
  const b = new Float64Array(n * 8);
  const ids = new Int32Array(n);
  for (let s = 0; s < subjects; s++) {
    const idRng = seededRandom(5000 + firstSubject + s);
    const z = Array.from({ length: 4 }, () => idRng.normal());
    for (let k = 0; k < perSubject; k++) {
      const i = s * perSubject + k;
      ids[i] = firstSubject + s;
      for (let r = 0; r < 10; r++) a[i * 10 + r] = z.reduce((acc, zz, c) => acc + zz * ma[r * 4 + c], 0) + 2.2 * rng.normal();
      for (let r = 0; r < 8; r++) b[i * 8 + r] = z.reduce((acc, zz, c) => acc + zz * mb[r * 4 + c], 0) + 1.6 * rng.normal();
    }
  }
  return { modalities: ['a', 'b'], dims: [10, 8], vectors: [a, b], subjects: ids };
}

/** EER of all pairs of test samples under a similarity of their vectors. */
function pairEer(vectors: Float64Array[], ids: Int32Array, sim: (x: Float64Array, y: Float64Array) => number): number {
  const g: number[] = [];
  const im: number[] = [];
  for (let i = 0; i < vectors.length; i++) for (let j = i + 1; j < vectors.length; j++) (ids[i] === ids[j] ? g : im).push(sim(vectors[i], vectors[j]));
  return equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: im }))).value;
}

const cosine = (x: Float64Array, y: Float64Array) => {
  let d = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    d += x[i] * y[i];
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  return d / Math.sqrt(nx * ny);
};

describe('feature-level fusion', () => {
  const train = views(60, 6, 1);
  const test = views(30, 6, 2, 1000);
  const n = test.subjects.length;
  const sample = (v: FeatureViews, i: number) => v.vectors.map((m, j) => m.subarray(i * v.dims[j], (i + 1) * v.dims[j]));

  // Measured: single modalities 27.3 % and 22.2 % EER; concatenation 19.6 %, PCA 16.7 %, CCA 18.0 %,
  // DCA 20.2 % (4 dims; 44.7 % with all 8: the directions beyond the 4-D identity are noise that
  // its whitening amplifies), LDA 14.0 %.
  it('fused vectors verify better than either modality alone, LDA best', () => {
    const single = [0, 1].map((j) => {
      const f = new FeatureFusion({ projection: 'none' }).fit({ ...train, modalities: [train.modalities[j]], dims: [train.dims[j]], vectors: [train.vectors[j]] });
      return pairEer(Array.from({ length: n }, (_, i) => f.transform([sample(test, i)[j]])), test.subjects, cosine);
    });
    const eer = (projection: FeatureProjection, dims?: number) => {
      const f = new FeatureFusion({ projection, dims }).fit(train);
      return pairEer(Array.from({ length: n }, (_, i) => f.transform(sample(test, i))), test.subjects, f.similarity);
    };
    const concatenated = eer('none');
    const lda = eer('lda', 4);
    expect(concatenated).toBeLessThan(Math.min(...single));
    expect(lda).toBeLessThan(concatenated);
    expect(eer('pca', 6)).toBeLessThan(Math.min(...single));
    expect(eer('cca', 4)).toBeLessThan(Math.min(...single));
    expect(eer('dca', 4)).toBeLessThan(Math.min(...single));
  });

  it('PCA finds the direction of largest variance; CCA the shared latent', () => {
    const rng = seededRandom(3);
    const n2 = 4000;
    const x = new Float64Array(n2 * 2);
    for (let i = 0; i < n2; i++) {
      const u = 3 * rng.normal();
      const v = 0.5 * rng.normal();
      x[2 * i] = (u + v) / Math.SQRT2;
      x[2 * i + 1] = (u - v) / Math.SQRT2;
    }
    const p = fitPca(x, n2, 2, 1);
    expect(Math.abs(p.weights[0])).toBeCloseTo(Math.SQRT1_2, 2);
    expect(p.explained[0]).toBeCloseTo(9, 0);
    // Two views share one latent l: x1 = l + noise, y2 = l + noise; the other coordinates are noise.
    const xs = new Float64Array(n2 * 2);
    const ys = new Float64Array(n2 * 2);
    for (let i = 0; i < n2; i++) {
      const l = rng.normal();
      xs[2 * i] = l + 0.5 * rng.normal();
      xs[2 * i + 1] = rng.normal();
      ys[2 * i] = rng.normal();
      ys[2 * i + 1] = l + 0.5 * rng.normal();
    }
    const cca = fitCca(xs, 2, ys, 2, n2, 1);
    expect(cca.correlations[0]).toBeCloseTo(0.8, 1); // var(l) / (var(l) + 0.25)
    expect(Math.abs(cca.x.weights[0])).toBeGreaterThan(5 * Math.abs(cca.x.weights[1]));
    expect(Math.abs(cca.y.weights[1])).toBeGreaterThan(5 * Math.abs(cca.y.weights[0]));
  });

  it('DCA whitens each view\'s between-class scatter and makes the views\' between-set covariance the identity', () => {
    const n2 = train.subjects.length;
    const [x, y] = train.vectors;
    const dca = fitDca(x, 10, y, 8, train.subjects, 3);
    const px = Array.from({ length: n2 }, (_, i) => project(dca.x, x.subarray(i * 10, (i + 1) * 10)));
    const py = Array.from({ length: n2 }, (_, i) => project(dca.y, y.subarray(i * 8, (i + 1) * 8)));
    // X* Y*^T summed over samples (the projections are centred): the identity.
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let i = 0; i < n2; i++) s += px[i][a] * py[i][b];
        expect(s).toBeCloseTo(a === b ? 1 : 0, 6);
      }
    }
    expect(dca.singularValues[0]).toBeGreaterThanOrEqual(dca.singularValues[1]);
    expect(() => fitDca(x, 10, y, 8, new Int32Array(n2), 2)).toThrow(/at least 2 subjects/);
    // 50 directions of 60 subjects and 8 dimensions came back as 8 without a word; LDA and CCA refuse such a k.
    expect(() => fitDca(x, 10, y, 8, train.subjects, 50)).toThrow(/1\.\.min\(subjects - 1, dims\).*asked 50/);
    expect(() => new FeatureFusion({ projection: 'dca', dims: 50 }).fit(train)).toThrow(FusionError);
  });

  it('projects features of any unit the same way (regularisation floors scale with the data)', () => {
    // An absolute floor of 1e-12 on the scatter swamped features of size 1e-8: LDA turned its
    // directions (projections 96 % off) and CCA's correlations fell from 0.9 to 0.0003.
    const n2 = train.subjects.length;
    const [x, y] = train.vectors;
    const tiny = (v: Float64Array) => v.map((t) => t * 1e-8);
    const projected = (p: LinearProjection, v: Float64Array, d: number) => Array.from({ length: n2 }, (_, i) => Array.from(project(p, v.subarray(i * d, (i + 1) * d))));
    const expectSameUpToScale = (a: number[][], b: number[][]) => {
      const top = Math.max(...a.flat().map(Math.abs));
      a.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - b[i][j]) / top).toBeLessThan(1e-9)));
    };
    expectSameUpToScale(projected(fitLda(x, n2, 10, train.subjects, 3), x, 10), projected(fitLda(tiny(x), n2, 10, train.subjects, 3), tiny(x), 10));
    const cca = fitCca(x, 10, y, 8, n2, 3);
    const ccaTiny = fitCca(tiny(x), 10, tiny(y), 8, n2, 3);
    for (let j = 0; j < 3; j++) expect(ccaTiny.correlations[j]).toBeCloseTo(cca.correlations[j], 9);
    expectSameUpToScale(projected(cca.y, y, 8), projected(ccaTiny.y, tiny(y), 8));
    expect(() => fitLda(new Float64Array(n2 * 10), n2, 10, train.subjects, 3)).toThrow(/every sample is the same/);
    expect(() => fitCca(x, 10, new Float64Array(n2 * 8).fill(3), 8, n2, 3)).toThrow(/second view is constant/);
    expect(() => fitLda(x, n2, 10, train.subjects, 3, -1)).toThrow(/regularization must be a finite number >= 0/);
  });

  it('standardises features of any size, and drops a constant one however large', () => {
    const first = (v: FeatureViews) => v.vectors.map((m, j) => m.subarray(0, v.dims[j]));
    const plain = new FeatureFusion({ projection: 'none' }).fit(train);
    // Features of size 1e-13 have variances below 1e-24, the old absolute "constant" floor: all were dropped.
    const small = { ...train, vectors: train.vectors.map((v) => v.map((t) => t * 1e-13)) };
    const fromSmall = new FeatureFusion({ projection: 'none' }).fit(small).transform(first(small));
    plain.transform(first(train)).forEach((v, a) => expect(fromSmall[a]).toBeCloseTo(v, 9));
    // A constant 1e6 / 7 has a mean off by rounding; its "spread" was scaled up to a unit component shared by every sample.
    const a = Float64Array.from(train.vectors[0]);
    for (let i = 0; i < train.subjects.length; i++) a[i * 10 + 9] = 1e6 / 7;
    const withConstant = { ...train, vectors: [a, train.vectors[1]] };
    expect(Math.abs(new FeatureFusion({ projection: 'none' }).fit(withConstant).transform(first(withConstant))[9])).toBe(0);
  });

  it('refuses options it would not follow', () => {
    // 'LDA' fell through to plain concatenation; dims and regularization were taken where nothing reads them.
    expect(() => new FeatureFusion({ projection: 'LDA' as FeatureProjection })).toThrow(ConfigError);
    expect(() => new FeatureFusion({ projection: 'none', dims: 3 })).toThrow(/"dims" needs a projection/);
    expect(() => new FeatureFusion({ projection: 'pca', regularization: 0.1 })).toThrow(/read by lda and cca only/);
    expect(() => new FeatureFusion({ projection: 'lda', regularization: Number.NaN })).toThrow(/finite number >= 0/);
    expect(() => new FeatureFusion({ projection: 'pca', dims: 2.5 })).toThrow(/whole number >= 1/);
    expect(() => new FeatureFusion({ projection: 'pca', dim: 2 } as never)).toThrow(/has no option "dim"/);
  });

  it('refuses samples it cannot standardise or score', () => {
    const nan = Float64Array.from(train.vectors[0]);
    nan[13] = Number.NaN;
    // NaN came out as fused vectors of NaN (similarity 0: a score) or a ConfigError from the eigensolver.
    for (const projection of ['none', 'pca', 'lda'] as const) {
      expect(() => new FeatureFusion({ projection }).fit({ ...train, vectors: [nan, train.vectors[1]] })).toThrow(/a: value 3 of row 1 is NaN/);
    }
    const f = new FeatureFusion({ projection: 'lda' }).fit(train);
    expect(() => f.transform([nan.subarray(10, 20), train.vectors[1].subarray(0, 8)])).toThrow(FusionError);
    expect(() => f.similarity(new Float64Array(3), new Float64Array(3))).toThrow(FusionError);
    // Empty views were fitted (every scale 0); one vector array for two modalities gave 18 output dimensions.
    expect(() => new FeatureFusion({ projection: 'none' }).fit({ ...train, vectors: [new Float64Array(0), new Float64Array(0)], subjects: new Int32Array(0) })).toThrow(/at least 2 samples/);
    expect(() => new FeatureFusion({ projection: 'none' }).fit({ ...train, vectors: [train.vectors[0]] })).toThrow(/2 modalities need 2 dims and 2 vector arrays/);
    expect(() => new FeatureFusion({ projection: 'lda' }).fit({ ...train, subjects: new Int32Array(train.subjects.length) })).toThrow(/at least 2, got 1/);
  });

  it('explains what it cannot do', () => {
    expect(() => new FeatureFusion({ projection: 'cca' }).fit({ ...train, modalities: ['a'], dims: [10], vectors: [train.vectors[0]] })).toThrow(/exactly two/);
    expect(() => new FeatureFusion({ projection: 'lda', dims: 1000 }).fit(train)).toThrow(FusionError);
    const f = new FeatureFusion({ projection: 'none' }).fit(train);
    expect(() => f.transform([new Float64Array(3), new Float64Array(8)])).toThrow(/3 values where 10/);
  });

  it('gives PCA and CCA no more directions than the training samples span (samples - 1)', () => {
    // 5 samples of 10-D and 8-D views: CCA's default was 8 pairs, 4 of them of correlation 0
    // along arbitrary directions that the ridge alone whitened, 100 times the size of the others.
    const few = views(5, 1, 9);
    const cca = new FeatureFusion({ projection: 'cca' }).fit(few);
    expect(cca.outputDims).toBe(2 * 4);
    const fused = cca.transform(sample(test, 0));
    expect(Math.max(...fused.map(Math.abs))).toBeLessThan(20);
    expect(new FeatureFusion({ projection: 'pca' }).fit(few).outputDims).toBe(4);
    // Asked for explicitly, such directions are refused (as LDA's and DCA's beyond subjects - 1 are).
    expect(thrownBy(() => new FeatureFusion({ projection: 'cca', dims: 5 }).fit(few))).toBeInstanceOf(FusionError);
    expect(() => new FeatureFusion({ projection: 'cca', dims: 5 }).fit(few)).toThrow(/CCA: 5 samples give at most samples - 1 = 4 output dimensions .*asked for 5/);
    expect(() => new FeatureFusion({ projection: 'pca', dims: 5 }).fit(few)).toThrow(/PCA: 5 samples give at most samples - 1 = 4/);
    expect(() => fitCca(few.vectors[0], 10, few.vectors[1], 8, 5, 8)).toThrow(/at most samples - 1 = 4/);
    expect(new FeatureFusion({ projection: 'cca', dims: 4 }).fit(few).outputDims).toBe(8);
  });
});

describe('stored feature fusion', () => {
  const train = views(40, 5, 11);
  const test = views(10, 3, 12, 500);
  const tempDir = temporaryFolders();
  const samples = Array.from({ length: test.subjects.length }, (_, i) => test.vectors.map((m, j) => m.subarray(i * test.dims[j], (i + 1) * test.dims[j])));
  const bits = (v: Float64Array) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  const fits: [FeatureProjection, number | undefined][] = [['none', undefined], ['pca', 6], ['lda', 4], ['cca', 3], ['dca', 4]];

  it.each(fits)('%s: a fusion written to a file and read back transforms bit for bit the same', async (projection, dims) => {
    const f = new FeatureFusion({ projection, dims }).fit(train);
    const file = join(await tempDir('biofuse-feature-fusion-'), 'fusion.json');
    await writeFile(file, JSON.stringify(f.toJSON()));
    const back = featureFusionFromJSON(JSON.parse(await readFile(file, 'utf8')));
    expect(back.projection).toBe(projection);
    expect(back.modalities).toEqual(f.modalities);
    expect(back.outputDims).toBe(f.outputDims);
    for (const x of samples) expect(bits(back.transform(x))).toEqual(bits(f.transform(x)));
    const [a, b] = [f.transform(samples[0]), f.transform(samples[1])];
    expect(back.similarity(a, b)).toBe(f.similarity(a, b));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(f.toJSON()));
  });

  it('refuses stored forms that are truncated, of another version or of the wrong shape, naming the field', () => {
    const stored = (projection: FeatureProjection = 'cca', dims?: number) => JSON.parse(JSON.stringify(new FeatureFusion({ projection, dims }).fit(train).toJSON())) as Record<string, unknown> & SerializedFeatureFusion;
    const load = (json: unknown) => thrownBy(() => featureFusionFromJSON(json));
    const cca = stored('cca', 3);
    expect(cca.version).toBe(FEATURE_FUSION_VERSION);
    expect(() => featureFusionFromJSON(cca)).not.toThrow();
    expect(load(null)).toBeInstanceOf(FusionError);
    expect(load(null).message).toMatch(/stored feature fusion: expected an object, got null/);
    const { version, ...unversioned } = cca;
    expect(version).toBe(1);
    expect(load(unversioned).message).toMatch(/"version" is missing/);
    expect(load({ ...cca, version: 2 }).message).toMatch(/version 2 is newer than this biofuse reads \(1\); upgrade/);
    expect(load({ ...cca, version: 0 }).message).toMatch(/version 0 is not valid/);
    expect(load({ ...cca, version: '1' }).message).toMatch(/version "1" is not valid/);
    expect(load({ ...cca, method: 'likelihood-ratio' }).message).toMatch(/"method" is "likelihood-ratio", not "feature-fusion"/);
    expect(load({ ...cca, projection: 'LDA' }).message).toMatch(/unknown projection "LDA"/);
    expect(load({ ...cca, modalities: ['a'] }).message).toMatch(/cca fuses exactly two modalities/);
    expect(load({ ...cca, scalers: cca.scalers.slice(1) }).message).toMatch(/"scalers" must list one scaler per modality \(2\)/);
    const [s0, s1] = cca.scalers;
    expect(load({ ...cca, scalers: [{ ...s0, mean: s0.mean.slice(1) }, s1] }).message).toMatch(/"scalers.0.mean" must list 10 numbers/);
    expect(load({ ...cca, scalers: [s0, { ...s1, scale: [...s1.scale.slice(1), 'x'] }] }).message).toMatch(/"scalers.1.scale" entry 7 is "x", not a number/);
    expect(load({ ...cca, scalers: [s0, { ...s1, scale: [-1, ...s1.scale.slice(1)] }] }).message).toMatch(/"scalers.1.scale" entry 0 is -1; scales are 0 or above/);
    expect(load({ ...cca, scalers: [{ ...s0, dims: 2.5 }, s1] }).message).toMatch(/"scalers.0.dims" must be a whole number >= 1, got 2.5/);
    const { dims: _dims, ...noDims } = s0;
    expect(load({ ...cca, scalers: [noDims, s1] }).message).toMatch(/"scalers.0.dims" is missing/);
    const [p0, p1] = cca.projections;
    expect(load({ ...cca, projections: [p0] }).message).toMatch(/"projections" must list 2 projections for cca/);
    expect(load({ ...cca, projections: [p0, { ...p1, weights: p1.weights.slice(0, -1) }] }).message).toMatch(/"projections.1.weights" must list 24 numbers/);
    expect(load({ ...cca, projections: [p0, { ...p1, weights: p1.weights.map((w, q) => (q === 5 ? null : w)) }] }).message).toMatch(/"projections.1.weights" entry 5 is null, not a number/);
    expect(load({ ...cca, projections: [{ ...p0, inputDims: 8 }, p1] }).message).toMatch(/"projections.0.inputDims" is 8, but its input has 10 dimensions/);
    expect(load({ ...cca, projections: [p0, { ...p1, outputDims: 2, weights: p1.weights.slice(0, 16) }] }).message).toMatch(/both views onto as many directions, got 3 and 2/);
    const { mean: _, ...noMean } = p0;
    expect(load({ ...cca, projections: [noMean, p1] }).message).toMatch(/"projections.0.mean" must list 10 numbers/);
    expect(load({ ...cca, outputDims: 5 }).message).toMatch(/"outputDims" is 5, but its projections give 6/);
    // The projections of another method's layout: one over the concatenated 18 dimensions.
    const pca = stored('pca', 4);
    expect(load({ ...pca, projections: [p0] }).message).toMatch(/"projections.0.inputDims" is 10, but its input has 18 dimensions/);
    expect(load({ ...stored('none'), projections: pca.projections }).message).toMatch(/"projections" must list 0 projections for none/);
    expect(load({ ...pca, projection: 'dca' }).message).toMatch(/"projections" must list 2 projections for dca/);
    for (const e of [load(unversioned), load({ ...cca, outputDims: 5 })]) expect(e).toBeInstanceOf(FusionError);
  });
});
