import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ConfigError, makeFolder } from '@biofuse/core';
import { isCardPath, type FaceModelCard, type TrainingProvenance } from '../embed/card';
import { loadModelCard } from '../embed/registry';
import { serializeTensor, HEAD_WEIGHTS_FORMAT, type HeadWeightsFile, type TrainedHead } from '@biofuse/core/training';

export interface ExportHeadOptions {
  /** The model's name: `<dir>/<name>.json` is its card, loadable by name from `$BIOFUSE_MODELS`. */
  readonly name: string;
  /** The frozen model the head was trained on (a built-in name or a card path). */
  readonly base: string;
  readonly dir: string;
  readonly description?: string;
  /** How it was trained: config, data, seed, validation numbers (stored in the card as is). */
  readonly training: Omit<TrainingProvenance, 'date'> & { readonly date?: string };
}

/**
 * Writes a trained projection head as a face model: its weights (`<name>.head.json`) and a card
 * (`<name>.json`) that runs the base model's pipeline (input, alignment) and then the head, so
 * the face package loads it like any other embedding model. The card has no thresholds: run
 * `biofuse face calibrate` on data the head was not trained on to add them.
 */
export async function exportProjectionHead(head: TrainedHead, opts: ExportHeadOptions): Promise<{ cardPath: string; weightsPath: string }> {
  if (!/^[A-Za-z0-9_.-]+$/.test(opts.name)) throw new ConfigError(`model name "${opts.name}" may hold only letters, digits, _ . -`);
  const architecture = head.architecture;
  if (!architecture) throw new ConfigError('only projection heads export as face models (this run trained a custom tower)');
  const base = await loadModelCard(opts.base);
  if (base.embeddingSize !== head.inputDim) {
    throw new ConfigError(`the head takes ${head.inputDim}-d inputs, but ${base.name} gives ${base.embeddingSize}-d embeddings`);
  }
  await makeFolder(opts.dir, 'model folder');
  const weightsFile = `${opts.name}.head.json`;
  const weights: HeadWeightsFile = {
    format: HEAD_WEIGHTS_FORMAT,
    architecture,
    weights: head.model.getWeights().map((w) => serializeTensor(w)),
  };
  const card: FaceModelCard = {
    name: opts.name,
    description: opts.description ?? `${base.name} followed by a Siamese projection head (${architecture.residual ? 'residual, ' : ''}${architecture.hidden.join(' -> ') || 'linear'} -> ${head.outputDim})`,
    // A base given as a path is written relative to the card, which is how readModelCard resolves it.
    source: { kind: 'projection-head', base: isCardPath(opts.base) ? relative(resolve(opts.dir), resolve(opts.base)) : opts.base, weights: weightsFile },
    input: base.input,
    alignment: base.alignment,
    embeddingSize: head.outputDim,
    training: { ...opts.training, date: opts.training.date ?? new Date().toISOString() },
  };
  const weightsPath = join(opts.dir, weightsFile);
  const cardPath = join(opts.dir, `${opts.name}.json`);
  await writeFile(weightsPath, JSON.stringify(weights));
  await writeFile(cardPath, `${JSON.stringify(card, null, 2)}\n`);
  return { cardPath, weightsPath };
}
