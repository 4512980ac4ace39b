/**
 * Worker process of the LFW benchmark: detects once per image and detector, then embeds the
 * face with every requested model and alignment. Replies with base64 float32 embeddings.
 */
import { BiometricError } from '@biofuse/core';
import { FaceRecognizer } from '../src/index';

interface Job {
  readonly images: readonly string[];
  readonly root: string;
  readonly detectors: readonly string[];
  /** 'aligned', 'aligned+flip' or 'upright'. */
  readonly variants: readonly string[];
  readonly models: readonly string[];
}

export interface ImageResult {
  readonly image: string;
  /** key `${detector}|${align}|${model}` -> base64 float32 embedding, or a failure reason. */
  readonly embeddings: Record<string, string>;
  readonly failures: Record<string, string>;
  readonly detectMs: Record<string, number>;
  readonly embedMs: Record<string, number>;
}

process.on('message', async (job: Job) => {
  const recognizers = new Map<string, FaceRecognizer>();
  for (const detector of job.detectors) {
    for (const variant of job.variants) {
      for (const model of job.models) {
        const options = { detector: detector as never, align: variant !== 'upright', flip: variant.endsWith('+flip'), models: model };
        recognizers.set(`${detector}|${variant}|${model}`, await FaceRecognizer.create(options));
      }
    }
  }
  for (const image of job.images) {
    const result: ImageResult = { image, embeddings: {}, failures: {}, detectMs: {}, embedMs: {} };
    for (const detector of job.detectors) {
      const detectorRecognizer = recognizers.get(`${detector}|${job.variants[0]}|${job.models[0]}`)!;
      let pixels;
      let faces;
      try {
        pixels = await detectorRecognizer.loadImage(`${job.root}/images/${image}`);
        const t0 = performance.now();
        faces = await detectorRecognizer.detect(pixels, image);
        result.detectMs[detector] = performance.now() - t0;
      } catch (error) {
        const reason = error instanceof BiometricError ? `${error.code}:${(error as { reason?: string }).reason ?? ''}` : String(error);
        for (const [key] of recognizers) if (key.startsWith(`${detector}|`)) result.failures[key] = reason;
        continue;
      }
      for (const [key, recognizer] of recognizers) {
        if (!key.startsWith(`${detector}|`)) continue;
        try {
          const t0 = performance.now();
          const [template] = await recognizer.embedFaces(pixels, [faces[0]]);
          result.embedMs[key] = performance.now() - t0;
          result.embeddings[key] = Buffer.from(template.embedding.buffer, template.embedding.byteOffset, template.embedding.byteLength).toString('base64');
        } catch (error) {
          result.failures[key] = error instanceof BiometricError ? `${error.code}:${(error as { reason?: string }).reason ?? ''}` : String(error);
        }
      }
    }
    process.send!(result);
  }
  process.send!('done');
});
