/**
 * Worker process of the Siamese shift benchmark: per image, detect and align once (the normal
 * pipeline, on the original image), then embed both the clean aligned chip and its degraded
 * copy with the frozen model. Replies per image with base64 float32 embeddings or a failure.
 * Uses the pipeline's stages directly: FaceRecognizer.detect -> alignFace(modelTemplate(card))
 * -> createEmbedder(card).embed, which is what FaceRecognizer.embedFaces does (align on, no flip).
 */
import { BiometricError } from '@biofuse/core';
import { modelTemplate } from '../src/embed/model-template';
import { createEmbedder, loadModelCard } from '../src/embed/registry';
import { FaceRecognizer } from '../src/recognizer';
import { alignedLfwChip } from './aligned-chip';
import { degradeChip, type ShiftOptions } from './siamese-shift-degrade';

export interface ShiftJob {
  readonly images: readonly string[];
  readonly root: string;
  readonly model: string;
  readonly detector: string;
  readonly shift: ShiftOptions;
  /** Also embed the first image through FaceRecognizer.embedFaces and report the cosine with our clean path. */
  readonly checkPipeline: boolean;
}

export interface ShiftResult {
  readonly image: string;
  readonly clean?: string;
  readonly shifted?: string;
  readonly failure?: string;
  readonly ms: number;
  /** Cosine between FaceRecognizer.embedFaces and this worker's clean embedding (first image, when asked). */
  readonly pipelineCosine?: number;
}

const b64 = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

process.on('message', async (job: ShiftJob) => {
  const recognizer = await FaceRecognizer.create({ detector: job.detector as never, models: job.model });
  const card = await loadModelCard(job.model);
  const template = modelTemplate(card);
  const embedder = await createEmbedder(card);
  let check = job.checkPipeline;
  for (const image of job.images) {
    const t0 = performance.now();
    try {
      const { chip, pixels, face } = await alignedLfwChip(recognizer, job.root, image, template);
      const shifted = degradeChip(chip, job.shift, image);
      const [a, b] = await embedder.embed([chip, shifted]);
      let pipelineCosine: number | undefined;
      if (check) {
        const [t] = await recognizer.embedFaces(pixels, [face]);
        pipelineCosine = 0;
        for (let i = 0; i < a.vector.length; i++) pipelineCosine += a.vector[i] * t.embedding[i];
        check = false;
      }
      process.send!({ image, clean: b64(a.vector), shifted: b64(b.vector), ms: performance.now() - t0, pipelineCosine } satisfies ShiftResult);
    } catch (error) {
      // Only a failure to acquire is a result (cached, counted in the FTA); anything else is a bug or a
      // passing fault, and must not be cached as that image's outcome.
      if (!(error instanceof BiometricError)) throw error;
      const failure = `${error.code}:${(error as { reason?: string }).reason ?? error.message}`;
      process.send!({ image, failure, ms: performance.now() - t0 } satisfies ShiftResult);
    }
  }
  process.send!('done');
});
