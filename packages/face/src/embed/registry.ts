import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@biofuse/core';
import { readModelCard, type FaceModelCard } from './card';
import { DlibResNetEmbedder } from './dlib-resnet';
import type { FaceEmbedder } from './embedder';
import { GraphModelEmbedder } from './graph-embedder';

/** Embedding models whose cards ship with biofuse (weights come from the npm model packages). */
export const BUILTIN_MODELS = ['dlib-resnet', 'faceres', 'faceres-deep', 'mobileface', 'mobilefacenet'] as const;

export function builtinCardPath(name: string): string {
  return fileURLToPath(new URL(`../../cards/${name}.json`, import.meta.url));
}

/** A built-in model's card by name, or any card by path (ONNX models bring their own). */
export async function loadModelCard(nameOrPath: string): Promise<FaceModelCard> {
  if ((BUILTIN_MODELS as readonly string[]).includes(nameOrPath)) return readModelCard(builtinCardPath(nameOrPath));
  if (nameOrPath.endsWith('.json') && existsSync(nameOrPath)) return readModelCard(nameOrPath);
  throw new ConfigError(`unknown face model "${nameOrPath}": use one of ${BUILTIN_MODELS.join(', ')} or the path of a model card (.json)`);
}

const embedders = new Map<string, FaceEmbedder>();

/** One embedder per card name per process (the weights load once). */
export async function createEmbedder(card: FaceModelCard): Promise<FaceEmbedder> {
  const key = `${card.name}:${JSON.stringify(card.source)}:${JSON.stringify(card.input)}`;
  let embedder = embedders.get(key);
  if (!embedder) {
    embedder = await buildEmbedder(card);
    embedders.set(key, embedder);
  }
  return embedder;
}

async function buildEmbedder(card: FaceModelCard): Promise<FaceEmbedder> {
  switch (card.source.kind) {
    case 'tfjs-graph':
      return new GraphModelEmbedder(card);
    case 'dlib-resnet':
      return new DlibResNetEmbedder(card);
    case 'onnx': {
      const { OnnxEmbedder } = await import('./onnx-embedder');
      return new OnnxEmbedder(card);
    }
  }
}
