import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { DatasetError } from '@biofuse/core';

/*
 * The external-data files an ONNX model names: tensors stored outside the .onnx file (as large
 * exported models keep their weights), which onnxruntime reads from the model's folder. They
 * decide the model's embeddings as much as the .onnx file does, so its digest and its list of
 * files must include them. Read from the model's protobuf by hand (no protobuf package): only the
 * messages on the way to a tensor are walked (onnx.proto's field numbers below).
 */

/** Which fields of which message lead to tensors: field number -> the message it holds. */
const FIELDS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  // graph, training_info, functions
  model: { 7: 'graph', 20: 'trainingInfo', 25: 'function' },
  // initialization, algorithm
  trainingInfo: { 1: 'graph', 2: 'graph' },
  // node, attribute_proto (default attribute values)
  function: { 7: 'node', 11: 'attribute' },
  // node, initializer, sparse_initializer
  graph: { 1: 'node', 5: 'tensor', 15: 'sparseTensor' },
  // attribute
  node: { 5: 'attribute' },
  // t, g, tensors, graphs, sparse_tensor, sparse_tensors
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparseTensor', 23: 'sparseTensor' },
  // values, indices
  sparseTensor: { 1: 'tensor', 2: 'tensor' },
};

/** TensorProto's fields: external_data (key/value entries) and data_location. */
const EXTERNAL_DATA = 13;
const DATA_LOCATION = 14;
const EXTERNAL = 1;

/** An external-data file of a model: the `location` the model gives it, and its path. */
export interface ExternalDataFile {
  readonly location: string;
  readonly path: string;
}

/**
 * The external-data files of the ONNX model at `modelPath` whose bytes are `model`, each once,
 * in the order they first appear: what its digest and its list of files take. A location that
 * is absolute or leaves the model's folder is refused (`what` names the model), as onnxruntime
 * refuses it.
 */
export function onnxExternalDataFiles(modelPath: string, model: Uint8Array, what: string): ExternalDataFile[] {
  const folder = dirname(modelPath);
  return externalDataLocations(model).map((location) => {
    const path = resolve(folder, location);
    const inside = relative(folder, path);
    if (isAbsolute(location) || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new DatasetError(`${what} keeps external data at "${location}", outside its folder: onnxruntime reads external data only from the model's folder`, modelPath);
    }
    return { location, path };
  });
}

/**
 * The `location` of every tensor the model keeps in external data, as the model gives it, each
 * once, in the order they first appear. Bytes that are not a well-formed model give what was
 * found before the damage: loading the model reports the damage itself.
 */
function externalDataLocations(model: Uint8Array): string[] {
  const found = new Set<string>();
  try {
    walk(model, 'model', found);
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
  }
  return [...found];
}

class Malformed extends Error {}

function walk(bytes: Uint8Array, message: string, found: Set<string>): void {
  if (message === 'tensor') {
    const location = externalLocation(bytes);
    if (location !== undefined) found.add(location);
    return;
  }
  const fields = FIELDS[message];
  for (const { field, body } of lengthDelimited(bytes)) {
    const inner = fields[field];
    if (inner !== undefined) walk(body, inner, found);
  }
}

/** The tensor's external-data location, where its data_location says its data is external (as onnxruntime decides). */
function externalLocation(tensor: Uint8Array): string | undefined {
  let external = false;
  let location: string | undefined;
  for (const { field, body, value } of fieldsOf(tensor)) {
    if (field === DATA_LOCATION && value !== undefined) external = value === EXTERNAL;
    if (field === EXTERNAL_DATA && body !== undefined) {
      let key: string | undefined;
      let text: string | undefined;
      for (const entry of lengthDelimited(body)) {
        if (entry.field === 1) key = utf8(entry.body);
        if (entry.field === 2) text = utf8(entry.body);
      }
      if (key === 'location' && text !== undefined) location = text;
    }
  }
  return external ? location : undefined;
}

function* lengthDelimited(bytes: Uint8Array): Generator<{ field: number; body: Uint8Array }> {
  for (const f of fieldsOf(bytes)) if (f.body !== undefined) yield { field: f.field, body: f.body };
}

/** A message's fields: varints as `value` (up to 2^53), length-delimited ones as `body`. */
function* fieldsOf(bytes: Uint8Array): Generator<{ field: number; value?: number; body?: Uint8Array }> {
  let o = 0;
  const varint = (): number => {
    let v = 0;
    for (let scale = 1; ; scale *= 128) {
      if (o >= bytes.length || scale > 2 ** 63) throw new Malformed();
      const b = bytes[o++];
      v += (b & 127) * scale;
      if (b < 128) return v;
    }
  };
  while (o < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key % 8) {
      case 0:
        yield { field, value: varint() };
        break;
      case 1:
        o += 8;
        break;
      case 2: {
        const length = varint();
        if (o + length > bytes.length) throw new Malformed();
        yield { field, body: bytes.subarray(o, (o += length)) };
        break;
      }
      case 5:
        o += 4;
        break;
      default:
        throw new Malformed();
    }
    if (o > bytes.length) throw new Malformed();
  }
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
