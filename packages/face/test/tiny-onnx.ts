/**
 * Writes a minimal ONNX model by hand (protobuf wire format), so the ONNX embedder can be
 * tested without any model download: input [N, 3, H, W] -> GlobalAveragePool -> Flatten -> [N, 3].
 */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, value: number) => [...key(field, 0), ...varint(value)];
const bytes = (field: number, body: number[]) => [...key(field, 2), ...varint(body.length), ...body];
const text = (field: number, value: string) => bytes(field, [...Buffer.from(value, 'utf8')]);

function tensorValueInfo(name: string, dims: (number | string)[], elementType = 1 /* FLOAT */): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  const tensorType = [...int(1, elementType), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(op: string, input: string, output: string): number[] {
  return [...text(1, input), ...text(2, output), ...text(3, `${op}_node`), ...text(4, op)];
}

/** `batch`: the input's first dimension, symbolic (any batch) or a fixed size as many exported models have. */
export function meanColourOnnxModel(size: number, batch: number | string = 'N'): Uint8Array {
  const graph = [
    ...bytes(1, node('GlobalAveragePool', 'input', 'pooled')),
    ...bytes(1, node('Flatten', 'pooled', 'embedding')),
    ...text(2, 'mean_colour'),
    ...bytes(11, tensorValueInfo('input', [batch, 3, size, size])),
    ...bytes(12, tensorValueInfo('embedding', [batch, 3])),
  ];
  const model = [...int(1, 7 /* IR version */), ...text(2, 'biofuse-test'), ...bytes(7, graph), ...bytes(8, [...text(1, ''), ...int(2, 13)])];
  return Uint8Array.from(model);
}

/**
 * A model that scales each channel's mean by a weight vector kept outside the model, in ONNX
 * external data: the file `location` (beside the model) holds the 3 float32 weights, as large
 * exported models keep their weights (input [N, 3, H, W] -> mean per channel * weights -> [N, 3]).
 */
export function externalWeightsOnnxModel(size: number, location: string): Uint8Array {
  const entry = (k: string, v: string) => [...text(1, k), ...text(2, v)];
  const weights = [
    ...int(1, 3), // dims
    ...int(2, 1 /* FLOAT */),
    ...text(8, 'weights'),
    ...bytes(13, entry('location', location)),
    ...bytes(13, entry('offset', '0')),
    ...bytes(13, entry('length', '12')),
    ...int(14, 1 /* EXTERNAL */),
  ];
  const graph = [
    ...bytes(1, node('GlobalAveragePool', 'input', 'pooled')),
    ...bytes(1, node('Flatten', 'pooled', 'mean')),
    ...bytes(1, [...text(1, 'mean'), ...text(1, 'weights'), ...text(2, 'embedding'), ...text(3, 'Mul_node'), ...text(4, 'Mul')]),
    ...text(2, 'external_weights'),
    ...bytes(5, weights),
    ...bytes(11, tensorValueInfo('input', ['N', 3, size, size])),
    ...bytes(12, tensorValueInfo('embedding', ['N', 3])),
  ];
  const model = [...int(1, 7 /* IR version */), ...text(2, 'biofuse-test'), ...bytes(7, graph), ...bytes(8, [...text(1, ''), ...int(2, 13)])];
  return Uint8Array.from(model);
}

/** The external-data file of `externalWeightsOnnxModel`: its 3 float32 weights. */
export function externalWeights(weights: [number, number, number]): Uint8Array {
  return new Uint8Array(Float32Array.from(weights).buffer);
}

/** ONNX's element types of the outputs `meanColourOnnxModelAs` can give. */
export const ONNX_ELEMENT_TYPE = { uint8: 2, int32: 6, int64: 7, float16: 10, double: 11 } as const;

/** `meanColourOnnxModel` (batch any), its output cast to another element type: as a model exported in half precision, or with integer outputs, gives it. */
export function meanColourOnnxModelAs(size: number, type: keyof typeof ONNX_ELEMENT_TYPE): Uint8Array {
  const to = ONNX_ELEMENT_TYPE[type];
  const cast = [...text(1, 'mean'), ...text(2, 'embedding'), ...text(3, 'Cast_node'), ...text(4, 'Cast'), ...bytes(5, [...text(1, 'to'), ...int(3, to), ...int(20, 2 /* INT */)])];
  const graph = [
    ...bytes(1, node('GlobalAveragePool', 'input', 'pooled')),
    ...bytes(1, node('Flatten', 'pooled', 'mean')),
    ...bytes(1, cast),
    ...text(2, 'mean_colour_cast'),
    ...bytes(11, tensorValueInfo('input', ['N', 3, size, size])),
    ...bytes(12, tensorValueInfo('embedding', ['N', 3], to)),
  ];
  const model = [...int(1, 7 /* IR version */), ...text(2, 'biofuse-test'), ...bytes(7, graph), ...bytes(8, [...text(1, ''), ...int(2, 13)])];
  return Uint8Array.from(model);
}
