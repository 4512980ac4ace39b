import type * as tfjs from '@tensorflow/tfjs';

/**
 * What identifies a custom network in a run hash: its layer classes and configs (initialisers and
 * their seeds included), its connections and its weights' shapes, with every layer and model name
 * replaced by the order in which it first appears. tfjs numbers auto-generated names per process
 * (dense_Dense1, then dense_Dense2 for the same tower built again), so hashing the names made a
 * rerun of the same config refuse its own checkpoint.
 */
export function networkDescription(model: tfjs.LayersModel): unknown {
  const renamed = new Map<string, string>();
  const rename = (name: string) => {
    let r = renamed.get(name);
    if (r === undefined) renamed.set(name, (r = `#${renamed.size}`));
    return r;
  };
  // Names are defined (key "name") before they are referenced (strings inside node lists), since
  // tfjs lists layers in topological order.
  const strip = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (key === 'name') return rename(value);
      return key === undefined ? (renamed.get(value) ?? value) : value;
    }
    if (Array.isArray(value)) return value.map((v) => strip(v));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v, k)]));
    }
    return value;
  };
  return {
    topology: strip(model.toJSON(null, false)),
    weights: model.weights.map((w) => ({ shape: w.shape, dtype: w.dtype, trainable: w.trainable })),
  };
}
