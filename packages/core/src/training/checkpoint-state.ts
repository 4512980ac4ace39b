import type * as tfjs from '@tensorflow/tfjs';
import { ConfigError, TemplateFormatError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';
import { adamBetaPowers, setAdamBetaPowers } from './adam-state';
import { deserializeTensor, serializeTensor, type SerializedTensor, type TrainingCheckpoint } from './checkpoint';

/** The tensors of a training run that a checkpoint stores and restores. */
export interface CheckpointedRun {
  readonly model: tfjs.LayersModel;
  /** Trained variables outside the model (the binary loss's unit), in the optimiser's order. */
  readonly unit: readonly tfjs.Variable[];
  /** What the optimiser trains: the model's trainable weights, then `unit`. */
  readonly varList: readonly tfjs.Variable[];
  readonly optimizer: tfjs.Optimizer;
  /** Whether the run validates (and so keeps the best epoch's weights). */
  readonly validation: boolean;
}

/** The tensor part of a checkpoint, read from a live run. */
export type CheckpointTensors = Pick<TrainingCheckpoint<unknown>, 'weights' | 'unitWeights' | 'optimizer' | 'adamBetaPowers'>;

export async function checkpointTensors(tf: Tf, run: CheckpointedRun): Promise<CheckpointTensors> {
  const moments = await run.optimizer.getWeights();
  const optimizer = moments.map((w) => serializeTensor(w.tensor, w.name));
  // The iteration count comes as a fresh tensor; the moments are the optimiser's own variables.
  for (const m of moments) if (!(m.tensor instanceof tf.Variable)) m.tensor.dispose();
  return {
    weights: run.model.getWeights().map((w) => serializeTensor(w)),
    unitWeights: run.unit.map((v) => serializeTensor(v)),
    optimizer,
    adamBetaPowers: adamBetaPowers(run.optimizer),
  };
}

// LayerVariable shapes are typed (number | null)[]; a weight's are always numbers.
type Shaped = { readonly shape: readonly (number | null)[] };
const shapes = (ws: readonly Shaped[]) => (ws.length === 0 ? 'none' : ws.map((w) => `[${Array.isArray(w.shape) ? w.shape.join(', ') : '?'}]`).join(' '));
const sameShapes = (stored: readonly Shaped[], live: readonly Shaped[]) =>
  stored.length === live.length && stored.every((w, i) => Array.isArray(w.shape) && w.shape.join(',') === live[i].shape.join(','));

/**
 * Puts a checkpoint's weights, unit, optimiser state (Adam's beta powers included) into a fresh
 * run, and returns its best weights (undefined without validation; the caller owns them). Every
 * list is checked against the run before any tensor is read, and every tensor is read before the
 * run is touched: a damaged file is a TemplateFormatError here, not a tfjs error epochs later.
 */
export async function restoreCheckpoint(tf: Tf, checkpoint: TrainingCheckpoint<unknown>, run: CheckpointedRun, path: string): Promise<tfjs.Tensor[] | undefined> {
  const live = run.model.weights;
  // The run hash covers the network's description, not every default behind it: a network that
  // differs is the caller's (ConfigError); the other lists were written by this very network.
  if (!sameShapes(checkpoint.weights, live)) {
    throw new ConfigError(`checkpoint ${path} holds weights ${shapes(checkpoint.weights)}, this network has ${shapes(live)}: delete it or give another checkpoint path`);
  }
  const damaged = (what: string) => new TemplateFormatError(`checkpoint ${path}: ${what} (damaged; delete it to train from the start)`);
  if (!sameShapes(checkpoint.unitWeights, run.unit)) throw damaged(`"unitWeights" holds ${shapes(checkpoint.unitWeights)}, the loss trains ${shapes(run.unit)} outside the network`);
  // Adam's weights: the iteration count, then the first and the second moment of every variable.
  const momentShapes: Shaped[] = [{ shape: [] }, ...run.varList, ...run.varList];
  if (!sameShapes(checkpoint.optimizer, momentShapes)) throw damaged(`"optimizer" holds ${shapes(checkpoint.optimizer)}, Adam over this network needs ${shapes(momentShapes)}`);
  if (run.validation !== (checkpoint.bestWeights !== undefined)) {
    throw damaged(run.validation ? '"bestWeights" is missing, and this run validates' : '"bestWeights" is there, and this run does not validate');
  }
  if (checkpoint.bestWeights !== undefined && !sameShapes(checkpoint.bestWeights, live)) {
    throw damaged(`"bestWeights" holds ${shapes(checkpoint.bestWeights)}, the network has ${shapes(live)}`);
  }
  const read = (list: readonly SerializedTensor[]) => list.map((w) => deserializeTensor(tf, w));
  // Inside tidy, a tensor that fails to read frees the ones read before it.
  const [weights, unit, moments, best] = tf.tidy(() => [read(checkpoint.weights), read(checkpoint.unitWeights), read(checkpoint.optimizer), read(checkpoint.bestWeights ?? [])]);
  let restored = false;
  try {
    run.model.setWeights(weights);
    run.unit.forEach((v, i) => v.assign(unit[i]));
    await run.optimizer.setWeights(moments.map((tensor, i) => ({ name: checkpoint.optimizer[i].name ?? '', tensor })));
    // setWeights has just rebuilt the beta powers as pow(beta, t + 1): put back the run's own.
    setAdamBetaPowers(tf, run.optimizer, checkpoint.adamBetaPowers);
    restored = true;
  } finally {
    // The model, the unit and the optimiser hold their own references now.
    for (const t of [...weights, ...unit, ...moments]) t.dispose();
    if (!restored) for (const t of best) t.dispose();
  }
  return checkpoint.bestWeights === undefined ? undefined : best;
}
