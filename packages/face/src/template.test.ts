import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { compareFaceTemplates } from './compare';
import { decodeFaceTemplate, encodeFaceTemplate, type FaceTemplate } from './template';

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

  it('refuses truncated, foreign and newer-version templates with a clear message', () => {
    const bytes = encodeFaceTemplate(template('m', [1, 2, 3]));
    expect(() => decodeFaceTemplate(bytes.subarray(0, bytes.length - 2))).toThrow(TemplateFormatError);
    expect(() => decodeFaceTemplate(bytes.subarray(0, 5))).toThrow(/truncated/);
    expect(() => decodeFaceTemplate(new Uint8Array(40))).toThrow(/magic/);
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint16(4, 99, true);
    expect(() => decodeFaceTemplate(newer)).toThrow(/version 99 is newer/);
  });

  it('refuses bytes that decode to a NaN or infinite value, which would score NaN', () => {
    const bytes = encodeFaceTemplate(template('m', [1, 2, 3]));
    const last = bytes.slice();
    new DataView(last.buffer).setFloat32(last.length - 4, Number.NaN, true);
    expect(() => decodeFaceTemplate(last)).toThrow(/embedding value 2 is NaN, not a finite number/);
    const norm = bytes.slice();
    new DataView(norm.buffer).setFloat32(norm.length - 16, Number.POSITIVE_INFINITY, true);
    expect(() => decodeFaceTemplate(norm)).toThrow(/norm 0 is Infinity/);
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

  it('never compares templates of different models or sizes', () => {
    expect(() => compareFaceTemplates(a, template('other', [1, 0, 0]))).toThrow(/different models/);
    expect(() => compareFaceTemplates(a, template('m', [1, 0]))).toThrow(TemplateFormatError);
  });
});
