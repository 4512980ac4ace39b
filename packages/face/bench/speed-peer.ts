/**
 * One contender of the speed benchmark, in its own process (each library brings its own tfjs
 * state): times detection + alignment + embedding per face on decoded images it is sent.
 *   ours-dlib      biofuse cascade + mesh + dlib ResNet      vs  faceapi: SSD + 68 landmarks + ResNet
 *   ours-faceres   biofuse cascade + mesh + FaceRes          vs  human:   BlazeFace + mesh + FaceRes
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeImage, type RasterImage } from '@biofuse/core';
import { FaceRecognizer } from '../src/index';
import { modelFile } from '../src/runtime/model-files';

type Contender = 'ours-dlib' | 'ours-faceres' | 'faceapi' | 'human';
const contender = process.argv[2] as Contender;
const paths = JSON.parse(process.argv[3]) as string[];
const images: RasterImage[] = [];
for (const p of paths) images.push(await decodeImage(p));
const require = createRequire(import.meta.url);
const wasmDir = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;

async function oursRunner(model: string) {
  // One face per image, as face-api's detectSingleFace and Human's maxDetected: 1.
  const recognizer = await FaceRecognizer.create({ models: model, maxFaces: 1 });
  return {
    single: async (image: RasterImage) => (await recognizer.represent(image)).length,
    batch: async (batch: readonly RasterImage[]) => {
      // Detect per image, then one embedding batch for all faces of the batch.
      const items = [];
      for (const image of batch) items.push({ image, face: (await recognizer.detect(image))[0] });
      return (await recognizer.embedBatch(items)).length;
    },
  };
}

async function faceApiRunner() {
  const faceapi = (await import(pathToFileURL(modelFile('@vladmandic/face-api', 'dist/face-api.node-wasm.js')).href)) as typeof import('@vladmandic/face-api');
  const tf = faceapi.tf as unknown as { setWasmPaths: (p: string) => void; setBackend: (b: string) => Promise<boolean>; ready: () => Promise<void>; tensor3d: (d: Uint8Array, s: number[], t: string) => unknown; dispose: (t: unknown) => void };
  tf.setWasmPaths(wasmDir);
  await tf.setBackend('wasm');
  await tf.ready();
  const dir = modelFile('@vladmandic/face-api', 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.2, maxResults: 1 });
  return {
    single: async (image: RasterImage) => {
      const t = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const r = await faceapi.detectSingleFace(t as never, options).withFaceLandmarks().withFaceDescriptor();
      tf.dispose(t);
      return r ? 1 : 0;
    },
  };
}

async function humanRunner() {
  // Human loads models by URL; tfjs without tfjs-node has no file:// loader, so serve them locally.
  const modelsDir = modelFile('@vladmandic/human', 'models');
  const server = createServer(async (req, res) => {
    try {
      res.end(await readFile(join(modelsDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const { Human } = (await import(pathToFileURL(modelFile('@vladmandic/human', 'dist/human.node-wasm.js')).href)) as typeof import('@vladmandic/human');
  const human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: `http://127.0.0.1:${port}/`,
    debug: false,
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 1 },
      mesh: { enabled: true },
      iris: { enabled: false },
      description: { enabled: true },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();
  return {
    single: async (image: RasterImage) => {
      const t = human.tf.tensor(image.data, [1, image.height, image.width, 3], 'float32');
      const r = await human.detect(t);
      human.tf.dispose(t);
      return r.face.filter((f) => (f.embedding?.length ?? 0) > 0).length;
    },
  };
}

interface Runner {
  single(image: RasterImage): Promise<number>;
  batch?(images: readonly RasterImage[]): Promise<number>;
}
const runner: Runner = contender === 'ours-dlib' ? await oursRunner('dlib-resnet') : contender === 'ours-faceres' ? await oursRunner('faceres') : contender === 'faceapi' ? await faceApiRunner() : await humanRunner();
for (const image of images.slice(0, 3)) await runner.single(image); // warm-up: model loads, kernel compilation
let faces = 0;
const t0 = performance.now();
for (const image of images) faces += await runner.single(image);
const singleMs = (performance.now() - t0) / images.length;
let batchMs: number | undefined;
if (runner.batch) {
  const t1 = performance.now();
  for (let i = 0; i < images.length; i += 16) await runner.batch(images.slice(i, i + 16));
  batchMs = (performance.now() - t1) / images.length;
}
process.send!({ contender, images: images.length, faces, singleMs, batchMs });
process.exit(0);
