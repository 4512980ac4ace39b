import type * as tfjs from '@tensorflow/tfjs';
import { ConfigError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';

export interface ProjectionHeadConfig {
  readonly inputDim: number;
  /** Widths of the hidden ReLU layers (default [256]). */
  readonly hidden?: readonly number[];
  /** Width of the linear output layer (default 128); the output is then L2-normalised. */
  readonly outputDim?: number;
  /** Seeds the Glorot-uniform kernels: layer i uses seed + i. */
  readonly seed: number;
  /**
   * Residual head: output = input + MLP(input), with the MLP's last layer starting at zero, so
   * the untrained head is the frozen embedding itself and training moves away from it only as
   * far as the loss asks (adapter-style fine-tuning). The output width is the input width.
   */
  readonly residual?: boolean;
}

export const DEFAULT_HEAD_HIDDEN: readonly number[] = [256];

/** A head's shape, everything but its weights. */
export interface HeadArchitecture {
  readonly inputDim: number;
  readonly hidden: readonly number[];
  readonly outputDim: number;
  readonly residual: boolean;
}
export const DEFAULT_HEAD_OUTPUT = 128;

/**
 * A dense projection head on top of a frozen embedding: inputDim -> hidden ReLU layers ->
 * outputDim (linear), or with `residual` input + that MLP. The L2 normalisation of the output is
 * applied by `l2Normalize` (in training and in `projectRows`), not stored as a layer.
 */
export function createProjectionHead(tf: Tf, config: ProjectionHeadConfig): tfjs.LayersModel {
  const hidden = config.hidden ?? DEFAULT_HEAD_HIDDEN;
  if (config.residual && config.outputDim !== undefined && config.outputDim !== config.inputDim) {
    throw new ConfigError(`a residual head keeps the input width (${config.inputDim}); outputDim ${config.outputDim} cannot be asked for`);
  }
  const outputDim = config.residual ? config.inputDim : (config.outputDim ?? DEFAULT_HEAD_OUTPUT);
  for (const [name, v] of [['inputDim', config.inputDim], ['outputDim', outputDim], ...hidden.map((h, i) => [`hidden[${i}]`, h] as const)] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`projection head ${name} must be a positive integer, got ${v}`);
  }
  if (config.residual) return residualHead(tf, config.inputDim, hidden, config.seed);
  const model = tf.sequential();
  const widths = [...hidden, outputDim];
  widths.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: i < hidden.length ? 'relu' : 'linear',
        kernelInitializer: tf.initializers.glorotUniform({ seed: config.seed + i }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [config.inputDim] } : {}),
        name: `head_dense_${i}`,
      }),
    );
  });
  return model;
}

function residualHead(tf: Tf, inputDim: number, hidden: readonly number[], seed: number): tfjs.LayersModel {
  const input = tf.input({ shape: [inputDim], name: 'head_input' });
  let x: tfjs.SymbolicTensor = input;
  hidden.forEach((units, i) => {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }), biasInitializer: 'zeros', name: `head_dense_${i}` })
      .apply(x) as tfjs.SymbolicTensor;
  });
  const delta = tf.layers
    .dense({ units: inputDim, activation: 'linear', kernelInitializer: 'zeros', biasInitializer: 'zeros', name: `head_dense_${hidden.length}` })
    .apply(x) as tfjs.SymbolicTensor;
  const output = tf.layers.add({ name: 'head_residual' }).apply([input, delta]) as tfjs.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'residual_head' });
}

/** Rows scaled to unit L2 norm (differentiable, also at an all-zero row). */
export function l2Normalize(tf: Tf, x: tfjs.Tensor2D): tfjs.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(rowNorm(tf, x, true), 1e-12)) as tfjs.Tensor2D);
}

/**
 * The L2 norm of each row, with a tiny term under the square root: tf.norm's gradient at an
 * all-zero row is 0 / 0 (NaN), which poisons every weight in one step. 1e-24 is below float32
 * rounding for any row that is not essentially zero, so the values equal tf.norm's.
 */
export function rowNorm(tf: Tf, x: tfjs.Tensor2D, keepDims = false): tfjs.Tensor {
  return tf.sqrt(tf.add(tf.sum(tf.square(x), 1, keepDims), 1e-24));
}

/**
 * Projects rows (n x inputDim, row-major; for a convolutional tower, flattened images in its
 * input shape) through the model and L2-normalises them, in batches, returning n x outputDim rows.
 */
export function projectRows(tf: Tf, model: tfjs.LayersModel, embeddings: Float32Array, batchSize = 1024): Float32Array {
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const inputDim = inputShape.reduce((a, v) => a * v, 1);
  const outputDim = model.outputs[0].shape[1] as number;
  if (embeddings.length % inputDim !== 0) {
    throw new ConfigError(`projection head expects rows of ${inputDim} values; got ${embeddings.length} values`);
  }
  // A NaN row came out as a finite unit vector, the same for every such row: refuse it.
  const bad = embeddings.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ConfigError(`row ${Math.floor(bad / inputDim)} holds a value that is not a finite number (${embeddings[bad]})`);
  const n = embeddings.length / inputDim;
  const out = new Float32Array(n * outputDim);
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    const y = tf.tidy(() => {
      const x = tf.tensor(embeddings.subarray(start * inputDim, (start + rows) * inputDim), [rows, ...inputShape]);
      return l2Normalize(tf, model.predict(x) as tfjs.Tensor2D);
    });
    out.set(y.dataSync() as Float32Array, start * outputDim);
    y.dispose();
  }
  return out;
}
