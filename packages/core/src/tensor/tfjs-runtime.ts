import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfModule from '@tensorflow/tfjs';
import { ConfigError } from '../errors';

export type Tf = typeof tfModule;

let ready: Promise<Tf> | undefined;

/**
 * tfjs with the WebAssembly backend (SIMD, one thread: Node's wasm has no threads), set up on
 * first use so that importing @biofuse/face costs nothing. tfjs-node cannot install offline
 * and the plain cpu backend is ~25x slower for inference.
 */
export function tensorflow(): Promise<Tf> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(wasmDir, '/'));
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('wasm'))) throw new ConfigError('tfjs: the WebAssembly backend failed to start on this machine');
    await tf.ready();
    return tf;
  })();
  // A failed start is not kept: the next call tries again instead of failing forever.
  ready.catch(() => (ready = undefined));
  return ready;
}
