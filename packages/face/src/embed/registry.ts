import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, DatasetError } from '@biofuse/core';
import { isCardPath, readModelCard, type FaceModelCard } from './card';
import { DlibResNetEmbedder } from './dlib-resnet';
import type { FaceEmbedder } from './embedder';
import { GraphModelEmbedder } from './graph-embedder';
import { loadOnce, readModelFile } from '../runtime/load-model';
import { onnxExternalDataFiles } from './onnx-external-data';

/** Embedding models whose cards ship with biofuse (weights come from the npm model packages). */
export const BUILTIN_MODELS = ['dlib-resnet', 'faceres', 'faceres-deep', 'mobileface', 'mobilefacenet'] as const;

export function builtinCardPath(name: string): string {
  return fileURLToPath(new URL(`../../cards/${name}.json`, import.meta.url));
}

/**
 * Where a model's card is: a built-in by name, a user model by name in the folder
 * `$BIOFUSE_MODELS` (`<name>.json`, where exportProjectionHead writes), or any card by path
 * (ONNX models bring their own).
 */
export function modelCardPath(nameOrPath: string): string {
  if ((BUILTIN_MODELS as readonly string[]).includes(nameOrPath)) return builtinCardPath(nameOrPath);
  const userDir = process.env.BIOFUSE_MODELS;
  if (userDir && /^[A-Za-z0-9_.-]+$/.test(nameOrPath) && existsSync(join(userDir, `${nameOrPath}.json`))) return join(userDir, `${nameOrPath}.json`);
  if (isCardPath(nameOrPath)) {
    if (existsSync(nameOrPath)) return nameOrPath;
    // A path was meant: say the file is missing, not that the "model" is unknown.
    throw new ConfigError(`model card ${nameOrPath}: no such file`);
  }
  throw new ConfigError(
    `unknown face model "${nameOrPath}": use one of ${BUILTIN_MODELS.join(', ')}, a model in $BIOFUSE_MODELS${userDir ? ` (${userDir})` : ' (unset)'}, or the path of a model card (.json)`,
  );
}

/** A model's card, found as `modelCardPath` says. */
export async function loadModelCard(nameOrPath: string): Promise<FaceModelCard> {
  return readModelCard(modelCardPath(nameOrPath));
}

/**
 * The files a model is made of, outside what biofuse ships: its card and the weights the card
 * names (a head's base model too, an ONNX model's external-data files). A built-in model gives
 * none: its card ships with the code and its weights with the locked npm packages. What a cache
 * or a run manifest must hash so that an edited card or retrained head is not mistaken for the
 * old one.
 */
export async function modelFiles(nameOrPath: string): Promise<string[]> {
  if ((BUILTIN_MODELS as readonly string[]).includes(nameOrPath)) return [];
  const cardPath = modelCardPath(nameOrPath);
  const card = await readModelCard(cardPath);
  switch (card.source.kind) {
    case 'onnx': {
      // Its external-data files too (beside it, named inside it): a model retrained may change in those alone.
      const model = card.source.path;
      const what = `the ONNX model of ${card.name}`;
      const external = onnxExternalDataFiles(model, await readModelFile(model, what), what);
      return [cardPath, model, ...external.map((file) => file.path)];
    }
    case 'projection-head':
      return [cardPath, card.source.weights, ...(await modelFiles(card.source.base))];
    default:
      return [cardPath];
  }
}

/**
 * One embedder per card name per process (the weights load once). The promise is what is
 * shared: kept only once built, two recognisers created at once each built one, and an ONNX
 * model was loaded twice. A failed set-up is not kept, so the next call tries again.
 */
export function createEmbedder(card: FaceModelCard): Promise<FaceEmbedder> {
  return loadOnce(`embedder:${card.name}:${JSON.stringify(card.source)}:${JSON.stringify(card.input)}`, () => buildEmbedder(card));
}

async function buildEmbedder(card: FaceModelCard): Promise<FaceEmbedder> {
  switch (card.source.kind) {
    case 'tfjs-graph':
      return new GraphModelEmbedder(card);
    case 'dlib-resnet':
      return new DlibResNetEmbedder(card);
    case 'onnx': {
      await checkReadable(card.source.path, `the ONNX model of ${card.name}`);
      const { OnnxEmbedder } = await import('./onnx-embedder');
      return new OnnxEmbedder(card);
    }
    case 'projection-head': {
      await checkReadable(card.source.weights, `the head weights of ${card.name}`);
      const { ProjectionHeadEmbedder } = await import('./projection-head-embedder');
      return new ProjectionHeadEmbedder(card, await createEmbedder(await loadModelCard(card.source.base)));
    }
  }
}

/**
 * A weights file a card names, checked when the model is set up: missing, it failed only at the
 * first face, after the detection work (and was reported as the modality being unavailable).
 */
async function checkReadable(path: string, what: string): Promise<void> {
  await access(path, constants.R_OK).catch((cause: unknown) => {
    throw new DatasetError(`cannot read ${what} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, path, undefined, { cause });
  });
}
