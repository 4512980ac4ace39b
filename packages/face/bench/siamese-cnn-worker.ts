/**
 * Worker process of the twin-CNN benchmark: per image, detect and align onto dlib's face chip
 * (the normal pipeline), then keep the chip as a small grey thumbnail (area-downscaled,
 * `size` x `size`, 0..255) for the CNN, and dlib's embedding of the same chip as the frozen
 * pretrained reference. Replies per image with base64 data or a failure.
 */
import { BiometricError } from '@biofuse/core';
import { modelTemplate } from '../src/embed/model-template';
import { createEmbedder, loadModelCard } from '../src/embed/registry';
import { FaceRecognizer } from '../src/recognizer';
import { alignedLfwChip } from './aligned-chip';
import { areaResize, grey } from './siamese-shift-degrade';

export interface CnnChipJob {
  readonly images: readonly string[];
  readonly root: string;
  readonly detector: string;
  readonly size: number;
}

export interface CnnChipResult {
  readonly image: string;
  /** size x size grey levels, one byte each. */
  readonly thumbnail?: string;
  /** dlib's 128-d unit embedding, float32. */
  readonly dlib?: string;
  readonly failure?: string;
  readonly ms: number;
}

process.on('message', async (job: CnnChipJob) => {
  const recognizer = await FaceRecognizer.create({ detector: job.detector as never, models: 'dlib-resnet' });
  const card = await loadModelCard('dlib-resnet');
  const template = modelTemplate(card);
  const embedder = await createEmbedder(card);
  for (const image of job.images) {
    const t0 = performance.now();
    try {
      const { chip } = await alignedLfwChip(recognizer, job.root, image, template);
      const small = areaResize(grey(chip), chip.width, chip.height, job.size, job.size);
      const thumbnail = Uint8Array.from(small, (v) => Math.min(255, Math.max(0, Math.round(v))));
      const [e] = await embedder.embed([chip]);
      process.send!({
        image,
        thumbnail: Buffer.from(thumbnail).toString('base64'),
        dlib: Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength).toString('base64'),
        ms: performance.now() - t0,
      } satisfies CnnChipResult);
    } catch (error) {
      // A face that cannot be found or aligned is a failure to acquire, counted by the bench;
      // anything else is a bug, which ends the worker (and the bench) rather than hide as one.
      if (!(error instanceof BiometricError)) throw error;
      const failure = `${error.code}:${(error as { reason?: string }).reason ?? error.message}`;
      process.send!({ image, failure, ms: performance.now() - t0 } satisfies CnnChipResult);
    }
  }
  process.send!('done');
});
