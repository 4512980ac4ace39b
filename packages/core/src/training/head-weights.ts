import type * as tfjs from '@tensorflow/tfjs';
import { errorNaming, TemplateFormatError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';
import { deserializeTensor, type SerializedTensor } from './checkpoint';
import { createProjectionHead, type HeadArchitecture } from './projection-head';

export const HEAD_WEIGHTS_FORMAT = 'biofuse-projection-head/1';
/** Weights a head may have: far above any head trained on embeddings (512 x 1024 x 512 is 1M), far below what would exhaust memory. */
const MAX_HEAD_VALUES = 50_000_000;

/** A projection head on disk: its shape and its weights, in `model.getWeights()` order. */
export interface HeadWeightsFile {
  readonly format: typeof HEAD_WEIGHTS_FORMAT;
  readonly architecture: HeadArchitecture;
  readonly weights: readonly SerializedTensor[];
}

/** Rebuilds a saved head; a file of another format or with weights that do not fit is a TemplateFormatError. */
export function headFromWeightsFile(tf: Tf, json: unknown, where: string): tfjs.LayersModel {
  const file = json as HeadWeightsFile;
  if (typeof file !== 'object' || file === null || file.format !== HEAD_WEIGHTS_FORMAT) {
    throw new TemplateFormatError(`${where}: not a ${HEAD_WEIGHTS_FORMAT} file`);
  }
  const a = file.architecture as Partial<HeadWeightsFile['architecture']> | undefined;
  const width = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  // A file, not a config: its faults are the file's (TemplateFormatError), and a missing field was a TypeError.
  if (typeof a !== 'object' || a === null || !width(a.inputDim) || !Array.isArray(a.hidden) || !a.hidden.every(width) || (a.residual !== undefined && typeof a.residual !== 'boolean') || (!a.residual && !width(a.outputDim))) {
    throw new TemplateFormatError(`${where}: "architecture" must give inputDim, hidden (a list of widths) and outputDim (or residual: true)`);
  }
  if (Array.isArray(file.weights) && file.weights.some((w) => typeof w !== 'object' || w === null)) throw new TemplateFormatError(`${where}: a weight tensor entry is not a tensor`);
  // Before any model is built: an architecture of 100,000 x 100,000 made tfjs allocate ten
  // billion values for a file that held none.
  const dims = [a.inputDim!, ...a.hidden, a.residual ? a.inputDim! : a.outputDim!];
  let kernelValues = 0;
  for (let i = 0; i + 1 < dims.length; i++) kernelValues += dims[i] * dims[i + 1];
  if (kernelValues > MAX_HEAD_VALUES) throw new TemplateFormatError(`${where}: an architecture of ${kernelValues} weights is beyond any projection head (at most ${MAX_HEAD_VALUES})`);
  const stored = Array.isArray(file.weights) ? file.weights.reduce((n, w) => n + (Array.isArray(w.shape) ? w.shape.reduce((x: number, d: number) => x * d, 1) : 0), 0) : 0;
  if (stored < kernelValues) throw new TemplateFormatError(`${where}: the weights hold ${stored} values, the architecture needs at least ${kernelValues}`);
  const model = createProjectionHead(tf, { inputDim: a.inputDim!, hidden: a.hidden, outputDim: a.residual ? undefined : a.outputDim, residual: a.residual, seed: 0 });
  // A file refused below frees the model; a corrupt weight left it and the weights read before it behind.
  try {
    const expected = model.getWeights();
    if (!Array.isArray(file.weights) || file.weights.length !== expected.length) {
      throw new TemplateFormatError(`${where}: ${Array.isArray(file.weights) ? file.weights.length : 'no'} weight tensors for a head that has ${expected.length}`);
    }
    const weights = file.weights;
    const mismatch = weights.findIndex((w, i) => !Array.isArray(w.shape) || w.shape.join('x') !== expected[i].shape.join('x'));
    if (mismatch >= 0) {
      throw new TemplateFormatError(`${where}: weight ${mismatch} has shape ${Array.isArray(weights[mismatch].shape) ? `[${weights[mismatch].shape.join(', ')}]` : 'none'}, the architecture needs [${expected[mismatch].shape.join(', ')}]`);
    }
    // Inside tidy, a tensor that fails to read frees the ones read before it.
    const tensors = tf.tidy(() =>
      weights.map((w, i) => {
        try {
          return deserializeTensor(tf, w);
        } catch (err) {
          // It did not say which file, nor which weight.
          throw err instanceof TemplateFormatError ? errorNaming(`${where}: weight ${i}`, err) : err;
        }
      }),
    );
    model.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
