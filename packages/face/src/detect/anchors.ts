/**
 * SSD anchor centres of MediaPipe's BlazeFace family, in input pixels, in the order the
 * models emit their rows: per feature map (stride), row-major cells, `perCell` anchors each.
 * All anchors are unit-sized (the models regress absolute sizes).
 */
export function blazeAnchors(inputSize: number, layers: readonly { stride: number; perCell: number }[]): Float32Array {
  let count = 0;
  for (const { stride, perCell } of layers) count += Math.ceil(inputSize / stride) ** 2 * perCell;
  const out = new Float32Array(count * 2);
  let i = 0;
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(inputSize / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let k = 0; k < perCell; k++) {
          out[i++] = stride * (gx + 0.5);
          out[i++] = stride * (gy + 0.5);
        }
      }
    }
  }
  return out;
}
