/** An intermediate image of the extraction, for `--debug-dir` and for looking at failures. */
export interface StageImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/** Maps values linearly from [lo, hi] to 0..255. */
export function greyImage(values: ArrayLike<number>, width: number, height: number, lo: number, hi: number): StageImage {
  const data = new Uint8Array(width * height);
  const span = hi - lo || 1;
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(((values[i] - lo) / span) * 255)));
  return { width, height, channels: 1, data };
}

/** A binary map drawn black on white (ridges and skeletons look like ink). */
export function inkImage(binary: Uint8Array, width: number, height: number): StageImage {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = binary[i] ? 0 : 255;
  return { width, height, channels: 1, data };
}

/** Minutiae on the skeleton: endings red, bifurcations blue, each with a tick along its direction. */
export function minutiaeOverlay(
  skeleton: Uint8Array,
  width: number,
  height: number,
  minutiae: ReadonlyArray<{ x: number; y: number; angle: number; kind: number }>,
): StageImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const v = skeleton[i] ? 90 : 255;
    data[i * 3] = v;
    data[i * 3 + 1] = v;
    data[i * 3 + 2] = v;
  }
  const put = (x: number, y: number, r: number, g: number, b: number) => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= width || yi >= height) return;
    const k = (yi * width + xi) * 3;
    data[k] = r;
    data[k + 1] = g;
    data[k + 2] = b;
  };
  for (const m of minutiae) {
    const [r, g, b] = m.kind === 1 ? [220, 0, 0] : [0, 60, 220];
    for (let a = 0; a < 16; a++) put(m.x + 4 * Math.cos((a * Math.PI) / 8), m.y + 4 * Math.sin((a * Math.PI) / 8), r, g, b);
    for (let t = 0; t <= 12; t++) put(m.x + t * Math.cos(m.angle), m.y - t * Math.sin(m.angle), r, g, b);
  }
  return { width, height, channels: 3, data };
}

/** PNG bytes of a stage image (sharp is loaded only when debug images are written). */
export async function stageImagePng(stage: StageImage): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(stage.data, { raw: { width: stage.width, height: stage.height, channels: stage.channels } }).png().toBuffer();
}
