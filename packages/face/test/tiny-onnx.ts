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

function tensorValueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  const tensorType = [...int(1, 1 /* FLOAT */), ...bytes(2, shape)];
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
