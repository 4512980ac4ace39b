import { ConfigError } from '@biofuse/core';
import type { FaceModelCard } from './card';

/** A face crop prepared for one model: `width x height` interleaved RGB, 0..255. */
export interface ModelInput {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
}

/** One face's embedding: the unit vector and the length the model gave it. */
export interface Embedding {
  readonly vector: Float32Array;
  readonly norm: number;
}

/** Turns aligned face crops into L2-normalised embeddings, a batch at a time. */
export interface FaceEmbedder {
  readonly card: FaceModelCard;
  embed(batch: readonly ModelInput[]): Promise<Embedding[]>;
  /** What decides this model's embeddings: its card's input and output fields and its weights' bytes (model-digest.ts). */
  digest(): Promise<string>;
}

/**
 * Packs crops into one batch buffer in the model's layout, colour order and normalisation.
 */
export function packBatch(card: FaceModelCard, batch: readonly ModelInput[]): Float32Array {
  const { width, height, colourOrder, layout, mean, std } = card.input;
  const plane = width * height;
  const out = new Float32Array(batch.length * plane * 3);
  const order = colourOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let b = 0; b < batch.length; b++) {
    const crop = batch[b];
    if (crop.width !== width || crop.height !== height) {
      throw new RangeError(`${card.name} expects ${width} x ${height} crops, got ${crop.width} x ${crop.height}`);
    }
    const base = b * plane * 3;
    for (let c = 0; c < 3; c++) {
      const src = order[c];
      const m = mean[c];
      const s = 1 / std[c];
      for (let i = 0; i < plane; i++) {
        const v = (crop.pixels[i * 3 + src] - m) * s;
        if (layout === 'nhwc') out[base + i * 3 + c] = v;
        else out[base + c * plane + i] = v;
      }
    }
  }
  return out;
}

/**
 * A model's output for `rows` faces as unit embeddings, after checking it holds `rows` x the
 * card's embedding size: a card that misstates it would hand each face a slice of its neighbour's.
 */
export function embeddingsOf(card: FaceModelCard, data: Float32Array, rows: number): Embedding[] {
  if (data.length !== rows * card.embeddingSize) {
    throw new ConfigError(`model ${card.name} returned ${data.length / rows} values per face; its card says ${card.embeddingSize}`);
  }
  return l2NormalizeRows(data, card.embeddingSize);
}

/** Scales each row of a `[n, size]` matrix to unit length (zero rows stay zero), keeping its norm. */
export function l2NormalizeRows(data: Float32Array, size: number): Embedding[] {
  const out: Embedding[] = [];
  for (let r = 0; r * size < data.length; r++) {
    const vector = data.slice(r * size, (r + 1) * size);
    let norm = 0;
    for (let i = 0; i < size; i++) norm += vector[i] * vector[i];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < size; i++) vector[i] /= norm;
    out.push({ vector, norm });
  }
  return out;
}
