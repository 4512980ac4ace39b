import { TemplateFormatError } from '@biofuse/core';
import type { DistanceMetric } from './embed/card';
import { FaceTemplateMismatchError } from './errors';
import { faceTemplateId, type FaceTemplate } from './template';

export interface FaceComparison {
  /** Higher = more similar, in every metric (a distance d is reported as -d). */
  readonly similarity: number;
  readonly distance: number;
  readonly metric: DistanceMetric;
}

/**
 * Compares two templates of the same model configuration, made by the same models (digest).
 * cosine: similarity = cos, distance = 1 - cos; euclidean_l2: distance between the unit
 * embeddings; euclidean: distance between the models' raw embeddings (norms restored); angular:
 * distance = arccos(cos) / pi.
 */
export function compareFaceTemplates(a: FaceTemplate, b: FaceTemplate, metric: DistanceMetric = 'cosine'): FaceComparison {
  checkSameModels(a, b);
  if (a.embedding.length !== b.embedding.length) {
    throw new TemplateFormatError(`face templates differ in size (${a.embedding.length} vs ${b.embedding.length}) for the same model "${a.model}"`);
  }
  // The same models in the same places: a forged or foreign layout must not compare as a match.
  if (a.norms.length !== b.norms.length || a.offsets.length !== b.offsets.length || a.offsets.some((o, i) => o !== b.offsets[i])) {
    throw new TemplateFormatError(`face templates of "${a.model}" lay out their models differently`);
  }
  const x = a.embedding;
  const y = b.embedding;
  if (metric === 'euclidean') {
    let sum = 0;
    for (let m = 0; m < a.norms.length; m++) {
      // Undo the normalisation and the ensemble weight: the slice holds sqrt(w) * v / |v|.
      const start = a.offsets[m];
      const end = a.offsets[m + 1];
      // Each template's own slice length: compare(a, b) and compare(b, a) must agree.
      const na = a.norms[m] * unscaleOf(x, start, end);
      const nb = b.norms[m] * unscaleOf(y, start, end);
      for (let i = start; i < end; i++) {
        const d = x[i] * na - y[i] * nb;
        sum += d * d;
      }
    }
    const distance = Math.sqrt(sum);
    return { similarity: -distance, distance, metric };
  }
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += x[i] * y[i];
  const cos = Math.max(-1, Math.min(1, dot));
  switch (metric) {
    case 'cosine':
      return { similarity: cos, distance: 1 - cos, metric };
    case 'euclidean_l2': {
      const distance = Math.sqrt(Math.max(0, 2 - 2 * cos));
      return { similarity: -distance, distance, metric };
    }
    case 'angular': {
      const distance = Math.acos(cos) / Math.PI;
      return { similarity: 1 - distance, distance, metric };
    }
  }
}

/**
 * Refuses templates of different configurations, and of one configuration whose models' cards or
 * weights differ (retrained or replaced under their names): their embeddings lie in different
 * spaces, and their cosine is a number that means nothing. A template without a digest (made
 * before templates recorded it) is compared only with another without one.
 */
function checkSameModels(a: FaceTemplate, b: FaceTemplate): void {
  const mismatch = (message: string) => new FaceTemplateMismatchError(faceTemplateId(a), faceTemplateId(b), message);
  if (a.model !== b.model) throw mismatch(`face templates of different models cannot be compared: "${a.model}" vs "${b.model}"`);
  if (a.digest === b.digest) return;
  if (a.digest !== undefined && b.digest !== undefined) {
    throw mismatch(
      `face templates of "${a.model}" were made by different weights or cards under that name (the first by sha256:${a.digest}, the second by sha256:${b.digest}): ` +
        'a model retrained or replaced under its name embeds faces differently; extract both templates with one model',
    );
  }
  const [old, other] = a.digest === undefined ? ['first', b] : ['second', a];
  throw mismatch(
    `face templates of "${a.model}": the ${old} predates templates recording which model weights made them, so it cannot be checked against the other's (sha256:${other.digest}); ` +
      'extract it again from its image with the model that made the other',
  );
}

/** 1 / the length of a template's slice (sqrt of the model's ensemble weight), 0 for an empty slice. */
function unscaleOf(v: Float32Array, start: number, end: number): number {
  let squares = 0;
  for (let i = start; i < end; i++) squares += v[i] * v[i];
  return squares > 0 ? 1 / Math.sqrt(squares) : 0;
}
