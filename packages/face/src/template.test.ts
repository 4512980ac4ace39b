import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { compareFaceTemplates } from './compare';
import { FaceTemplateMismatchError } from './errors';
import { FaceRecognizer } from './recognizer';
import { decodeFaceTemplate, encodeFaceTemplate, FACE_TEMPLATE_VERSION, type FaceTemplate } from './template';
import { asVersion1 } from '../test/version-1-template';

function template(model: string, values: number[], norms = [2]): FaceTemplate {
  const embedding = Float32Array.from(values);
  const n = Math.hypot(...values);
  for (let i = 0; i < embedding.length; i++) embedding[i] /= n;
  return { model, embedding, norms: Float32Array.from(norms), offsets: Uint32Array.of(0, values.length) };
}

describe('face template encoding', () => {
  it('round-trips exactly', () => {
    const t = template('dlib-resnet/aligned', [1, 2, 3, 4, 5]);
    const back = decodeFaceTemplate(encodeFaceTemplate(t));
    expect(back.model).toBe(t.model);
    expect(Array.from(back.embedding)).toEqual(Array.from(t.embedding));
    expect(Array.from(back.norms)).toEqual([2]);
    expect(Array.from(back.offsets)).toEqual([0, 5]);
  });

  it('records the models\' digest in the model id, and reads ids without one as templates without a digest', () => {
    const t = { ...template('dlib-resnet/aligned', [1, 2, 3]), digest: '0123456789abcdef' };
    const bytes = encodeFaceTemplate(t);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(4, true)).toBe(FACE_TEMPLATE_VERSION);
    expect(FACE_TEMPLATE_VERSION).toBe(2);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + view.getUint16(6, true)))).toBe('dlib-resnet/aligned sha256:0123456789abcdef');
    const back = decodeFaceTemplate(bytes);
    expect([back.model, back.digest]).toEqual(['dlib-resnet/aligned', '0123456789abcdef']);
    // Everything after the id as before: the same bytes as the template without a digest, shifted (the checksums aside).
    const plain = encodeFaceTemplate(template('dlib-resnet/aligned', [1, 2, 3]));
    expect(decodeFaceTemplate(plain)).not.toHaveProperty('digest');
    expect(Array.from(bytes.subarray(bytes.length - 24, bytes.length - 4))).toEqual(Array.from(plain.subarray(plain.length - 24, plain.length - 4)));
    // A digest the id cannot hold as one, or one left in the name, would be read back as another template.
    expect(() => encodeFaceTemplate({ ...t, digest: 'ABC' })).toThrow(/digest "ABC" is not 16 lowercase hex digits/);
    expect(() => encodeFaceTemplate(template('m sha256:0123456789abcdef', [1, 2, 3]))).toThrow(/ends with a digest; give the name as model and the 16 hex digits as digest/);
  });

  it('refuses truncated, foreign and newer-version templates with a clear message', () => {
    const bytes = encodeFaceTemplate(template('m', [1, 2, 3]));
    expect(() => decodeFaceTemplate(bytes.subarray(0, bytes.length - 2))).toThrow(TemplateFormatError);
    expect(() => decodeFaceTemplate(bytes.subarray(0, 5))).toThrow(/truncated/);
    expect(() => decodeFaceTemplate(new Uint8Array(40))).toThrow(/magic/);
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint16(4, 99, true);
    expect(() => decodeFaceTemplate(newer)).toThrow(/version 99 is newer/);
  });

  it('reads version-1 templates (no checksum), and refuses any changed bit of a version-2 one', () => {
    const t = template('m', [1, 2, 3, 4, 5]);
    const sealed = encodeFaceTemplate(t);
    const old = asVersion1(sealed);
    expect(Array.from(decodeFaceTemplate(old).embedding)).toEqual(Array.from(t.embedding));
    // The bit that passed every other check: the lowest mantissa bit of an embedding value.
    const flipped = sealed.slice();
    flipped[sealed.length - 8] ^= 1;
    expect(() => decodeFaceTemplate(flipped)).toThrow(`face template damaged: its checksum does not match its ${sealed.length} bytes (changed or cut short since it was written)`);
    const oldFlipped = old.slice();
    oldFlipped[old.length - 4] ^= 1;
    expect(decodeFaceTemplate(oldFlipped).embedding[4]).not.toBe(t.embedding[4]);
    // A sealed template is not a version-1 one with four extra bytes, nor the reverse.
    const relabelled = sealed.slice();
    new DataView(relabelled.buffer).setUint16(4, 1, true);
    expect(() => decodeFaceTemplate(relabelled)).toThrow(/expected \d+ bytes for a 5-d embedding/);
  });

  // The decoder's own checks, on version-1 bytes (which nothing else guards).
  it('refuses bytes that decode to a NaN or infinite value, which would score NaN', () => {
    const bytes = asVersion1(encodeFaceTemplate(template('m', [1, 2, 3])));
    const last = bytes.slice();
    new DataView(last.buffer).setFloat32(last.length - 4, Number.NaN, true);
    expect(() => decodeFaceTemplate(last)).toThrow(/embedding value 2 is NaN, not a finite number/);
    const norm = bytes.slice();
    new DataView(norm.buffer).setFloat32(norm.length - 16, Number.POSITIVE_INFINITY, true);
    expect(() => decodeFaceTemplate(norm)).toThrow(/norm 0 is Infinity/);
  });

  it('refuses a model table that is empty or does not start at 0, which would compare as a perfect match', () => {
    // Layout for model id 'm': header 11 bytes + 1 pad, then the model count's table at 12.
    const bytes = asVersion1(encodeFaceTemplate(template('m', [1, 2, 3])));
    const none = bytes.slice();
    new DataView(none.buffer).setUint16(9, 0, true);
    expect(() => decodeFaceTemplate(none)).toThrow(/no model in its table/);
    const shifted = bytes.slice();
    new DataView(shifted.buffer).setUint32(12, 1, true);
    expect(() => decodeFaceTemplate(shifted)).toThrow(/first model starts at 1/);
    expect(() => encodeFaceTemplate({ model: 'm', embedding: Float32Array.of(0.6, 0.8), norms: new Float32Array(0), offsets: Uint32Array.of(2) })).toThrow(/no model in its table/);
    expect(() => encodeFaceTemplate({ ...template('m', [1, 2, 3]), offsets: Uint32Array.of(1, 3) })).toThrow(/first model starts at 1/);
  });

  it('refuses an embedding that is not of unit length or a raw norm that is not positive (one flipped bit matched anyone)', () => {
    const a = template('m', [1, 2, 3, 4]);
    const b = template('m', [4, 1, 0, -2]);
    const bytes = asVersion1(encodeFaceTemplate(a));
    const flipped = bytes.slice();
    flipped[bytes.length - 16 + 3] ^= 0x40; // the exponent of embedding value 0
    const view = new DataView(flipped.buffer);
    expect(Math.abs(view.getFloat32(bytes.length - 16, true))).toBeGreaterThan(1e30);
    expect(() => decodeFaceTemplate(flipped)).toThrow(/embedding's length is .*, not 1/);
    // What that template would have scored: a perfect match with an unrelated face.
    const damaged: FaceTemplate = { ...a, embedding: new Float32Array(flipped.buffer.slice(bytes.length - 16)) };
    expect(compareFaceTemplates(damaged, b).similarity).toBeGreaterThan(0.99);
    expect(compareFaceTemplates(a, b).similarity).toBeLessThan(0.3);
    const negative = bytes.slice();
    new DataView(negative.buffer).setFloat32(bytes.length - 20, -2, true);
    expect(() => decodeFaceTemplate(negative)).toThrow(/raw norm is -2/);
    expect(() => encodeFaceTemplate({ ...a, embedding: Float32Array.of(1, 2, 3, 4) })).toThrow(/length is 5\.47/);
    expect(() => encodeFaceTemplate({ ...a, norms: Float32Array.of(0) })).toThrow(/raw norm is 0/);
    expect(() => encodeFaceTemplate({ ...a, offsets: Uint32Array.of(0, 3) })).toThrow(/covers 3 values, the embedding has 4/);
    expect(() => encodeFaceTemplate({ ...a, model: 'x'.repeat(70_000) })).toThrow(/does not fit its 16-bit length/);
    expect(() => encodeFaceTemplate({ ...a, embedding: Float32Array.of(Number.NaN, 0, 0, 1) })).toThrow(/embedding value 0 is NaN/);
  });
});

describe('compareFaceTemplates', () => {
  const a = template('m', [1, 0, 0], [3]);
  const b = template('m', [1, 1, 0], [5]);

  it('gives consistent cosine, euclidean_l2, angular and raw euclidean scores', () => {
    const cos = compareFaceTemplates(a, b, 'cosine');
    expect(cos.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(cos.distance).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(compareFaceTemplates(a, b, 'euclidean_l2').distance).toBeCloseTo(Math.sqrt(2 - Math.SQRT2), 6);
    expect(compareFaceTemplates(a, b, 'angular').distance).toBeCloseTo(0.25, 6);
    // Raw vectors: (3, 0, 0) and 5 * (1, 1, 0) / sqrt(2).
    const raw = compareFaceTemplates(a, b, 'euclidean');
    expect(raw.distance).toBeCloseTo(Math.hypot(3 - 5 / Math.SQRT2, 5 / Math.SQRT2), 5);
    expect(raw.similarity).toBe(-raw.distance);
  });

  it('never compares templates of different models, sizes or layouts', () => {
    expect(() => compareFaceTemplates(a, template('other', [1, 0, 0]))).toThrow(/different models/);
    expect(() => compareFaceTemplates(a, template('other', [1, 0, 0]))).toThrow(FaceTemplateMismatchError);
    // The same name, other weights (or none recorded): refused as well, naming both.
    const digested = (t: FaceTemplate, digest: string): FaceTemplate => ({ ...t, digest });
    expect(() => compareFaceTemplates(digested(a, 'aaaaaaaaaaaaaaaa'), digested(b, 'bbbbbbbbbbbbbbbb'))).toThrow(/the first by sha256:aaaaaaaaaaaaaaaa, the second by sha256:bbbbbbbbbbbbbbbb/);
    expect(() => compareFaceTemplates(a, digested(b, 'bbbbbbbbbbbbbbbb'))).toThrow(/the first predates templates recording which model weights made them/);
    expect(compareFaceTemplates(digested(a, 'aaaaaaaaaaaaaaaa'), digested(b, 'aaaaaaaaaaaaaaaa')).similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => compareFaceTemplates(a, template('m', [1, 0]))).toThrow(TemplateFormatError);
    const twoModels: FaceTemplate = { ...b, norms: Float32Array.of(5, 5), offsets: Uint32Array.of(0, 1, 3) };
    expect(() => compareFaceTemplates(a, twoModels)).toThrow(/lay out their models differently/);
  });

  it('is symmetric in every metric, also for ensemble slices of different weights', () => {
    // Two models, weights 0.75 / 0.25: slices of length sqrt(w) as the recogniser writes them.
    const ensemble = (u: number[], v: number[], norms: number[]): FaceTemplate => {
      const unit = (x: number[]) => x.map((c) => c / Math.hypot(...x));
      const embedding = Float32Array.from([...unit(u).map((c) => c * Math.sqrt(0.75)), ...unit(v).map((c) => c * Math.sqrt(0.25))]);
      return { model: 'e', embedding, norms: Float32Array.from(norms), offsets: Uint32Array.of(0, u.length, u.length + v.length) };
    };
    const x = ensemble([1, 2], [3, 1, 0], [10, 2]);
    const y = ensemble([2, 1], [0, 1, 1], [12, 3]);
    for (const metric of ['cosine', 'euclidean', 'euclidean_l2', 'angular'] as const) {
      expect(compareFaceTemplates(x, y, metric).distance).toBeCloseTo(compareFaceTemplates(y, x, metric).distance, 6);
    }
    // Raw euclidean: the models' own vectors, norms restored, side by side.
    const rawX = [...[1, 2].map((c) => (c / Math.hypot(1, 2)) * 10), ...[3, 1, 0].map((c) => (c / Math.hypot(3, 1)) * 2)];
    const rawY = [...[2, 1].map((c) => (c / Math.hypot(2, 1)) * 12), ...[0, 1, 1].map((c) => (c / Math.SQRT2) * 3)];
    expect(compareFaceTemplates(x, y, 'euclidean').distance).toBeCloseTo(Math.hypot(...rawX.map((c, i) => c - rawY[i])), 4);
  });
});

describe('verify with templates given', () => {
  it('checks them as decoding does: an unnormalised one matched anyone, a NaN one matched no one', async () => {
    // No model runs: the templates skip detection and embedding (the weights are read for the digest).
    const recognizer = await FaceRecognizer.create({ detector: 'skip' });
    const dims = recognizer.dims;
    const digest = (await recognizer.embeddingId()).split(' sha256:')[1];
    const unit = (values: number[]): FaceTemplate => ({ ...template(recognizer.modelId, values, [1]), digest });
    const a = unit(Array.from({ length: dims }, (_, i) => (i === 0 ? 1 : 0)));
    const b = unit(Array.from({ length: dims }, (_, i) => (i === 1 ? 1 : 0)));
    expect((await recognizer.verify(a, b, { threshold: 0.5 })).similarity).toBeCloseTo(0, 6);
    // Five times a's direction: the cosine was clamped to 1, a perfect match with a.
    const scaled = { ...a, embedding: a.embedding.map((v) => 5 * v) };
    await expect(recognizer.verify(scaled, a, { threshold: 0.5 })).rejects.toThrow(/face template: the embedding's length is 5\.00000, not 1 \(corrupt\)/);
    const nan = { ...b, embedding: b.embedding.map((v, i) => (i === 3 ? Number.NaN : v)) };
    await expect(recognizer.verify(a, nan, { threshold: 0.5 })).rejects.toBeInstanceOf(TemplateFormatError);
  });

  it('refuses an object that lacks a template\'s fields as a template error (it was a TypeError inside the checks)', async () => {
    const recognizer = await FaceRecognizer.create({ detector: 'skip' });
    const dims = recognizer.dims;
    const digest = (await recognizer.embeddingId()).split(' sha256:')[1];
    const a: FaceTemplate = { ...template(recognizer.modelId, Array.from({ length: dims }, (_, i) => (i === 0 ? 1 : 0)), [1]), digest };
    const { norms: _, ...noNorms } = a;
    await expect(recognizer.verify(noNorms as FaceTemplate, a, { threshold: 0.5 })).rejects.toThrow(new TemplateFormatError('face template: its norms is undefined, not an array of numbers'));
    // Through JSON, typed arrays become objects of numbered keys.
    const viaJson = JSON.parse(JSON.stringify(a)) as FaceTemplate;
    await expect(recognizer.verify(a, viaJson, { threshold: 0.5 })).rejects.toThrow(new TemplateFormatError('face template: its embedding is an object (Object), not an array of numbers'));
    expect(() => encodeFaceTemplate({ ...a, model: undefined } as unknown as FaceTemplate)).toThrow(new TemplateFormatError('face template: its model is undefined, not a model id'));
    // Plain arrays of numbers are taken, as they were.
    const arrays = { ...a, embedding: Array.from(a.embedding), norms: [1], offsets: [0, dims] } as unknown as FaceTemplate;
    expect((await recognizer.verify(arrays, a, { threshold: 0.5 })).similarity).toBeCloseTo(1, 6);
  });

  it('refuses templates another configuration made: its threshold is not this one\'s (they were judged by it)', async () => {
    const recognizer = await FaceRecognizer.create({ detector: 'skip' });
    const digest = (await recognizer.embeddingId()).split(' sha256:')[1];
    const other = (values: number[]): FaceTemplate => ({ ...template('mobileface/aligned', values, [1]), digest });
    const dims = recognizer.dims;
    const a = other(Array.from({ length: dims }, (_, i) => (i === 0 ? 1 : 0)));
    await expect(recognizer.verify(a, a, { threshold: 0.5 })).rejects.toThrow(/a template given to verify was made by "mobileface\/aligned sha256:[0-9a-f]{16}", this recognizer is "dlib-resnet\/aligned sha256:/);
    // The same name with another digest: a model retrained under it.
    const retrained = { ...other(Array.from({ length: dims }, (_, i) => (i === 0 ? 1 : 0))), model: recognizer.modelId, digest: '0123456789abcdef' };
    await expect(recognizer.verify(retrained, retrained, { threshold: 0.5 })).rejects.toThrow(/this recognizer is "dlib-resnet\/aligned sha256:[0-9a-f]{16}": its threshold does not apply/);
  });
});
