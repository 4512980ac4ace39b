/**
 * What the face benches' embedding caches are keyed on besides their own options: the code that
 * makes an embedding (the face and core packages' sources, the shipped cards) and the files of
 * any model named by path or found in $BIOFUSE_MODELS. An edited card or a changed aligner must
 * not be served the embeddings of the old one (a card's input mean changed, and a cached run
 * still printed 100 % where a fresh one gave 77.5 %).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faceModelFiles } from '../src/ensemble';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export async function embeddingCodeKey(models: readonly string[]): Promise<string> {
  const files = [
    ...sources(join(repo, 'packages/face/src')),
    ...sources(join(repo, 'packages/face/cards')),
    ...sources(join(repo, 'packages/core/src')),
  ];
  files.push(...(await faceModelFiles(models)));
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0`).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

/** Source and card files under a folder, sorted; tests are not the code. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if ((name.endsWith('.ts') && !name.endsWith('.test.ts')) || name.endsWith('.json')) out.push(path);
  }
  return out;
}
