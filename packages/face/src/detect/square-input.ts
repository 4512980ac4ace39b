import type { RasterImage } from '@biofuse/core';
import { invertAffine, type Affine } from '../align/similarity';
import { warpAffine } from '../align/warp';

/**
 * A detector's square input: the image scaled so its longer side fills `size`, the rest black,
 * placed at the centre (MediaPipe's letterbox) or the top-left corner (face-api's padding).
 * `normalise` maps each 0..255 value (with its channel) to what the model expects.
 */
export function squareInput(
  image: RasterImage,
  size: number,
  placement: 'centre' | 'top-left',
  normalise: (value: number, channel: number) => number,
): { pixels: Float32Array; fromInput: Affine } {
  const scale = size / Math.max(image.width, image.height);
  const dx = placement === 'centre' ? (size - image.width * scale) / 2 : 0;
  const dy = placement === 'centre' ? (size - image.height * scale) / 2 : 0;
  const toInput: Affine = [scale, 0, dx, 0, scale, dy];
  const pixels = warpAffine(image, toInput, size, size, { border: 'constant', borderValue: 0 });
  for (let i = 0; i < pixels.length; i++) pixels[i] = normalise(pixels[i], i % 3);
  return { pixels, fromInput: invertAffine(toInput) };
}

/** Maps NMS rows `[score, x1, y1, x2, y2, ...]` in input pixels to boxes in image pixels. */
export function boxFromInput(row: Float32Array, fromInput: Affine): { x: number; y: number; width: number; height: number } {
  const x1 = fromInput[0] * row[1] + fromInput[2];
  const y1 = fromInput[4] * row[2] + fromInput[5];
  const x2 = fromInput[0] * row[3] + fromInput[2];
  const y2 = fromInput[4] * row[4] + fromInput[5];
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}
