/**
 * Box blur with running sums (cost independent of the radius); two or three passes
 * approximate a Gaussian. Edges use the mean of the pixels inside the image, so a dark
 * border does not bleed in as zeros.
 */
export function boxBlur(src: Float32Array, width: number, height: number, radius: number, passes = 1): Float32Array {
  let a = src;
  const tmp = new Float32Array(src.length);
  for (let p = 0; p < passes; p++) {
    const out = new Float32Array(src.length);
    blurRows(a, tmp, width, height, radius);
    blurColumns(tmp, out, width, height, radius);
    a = out;
  }
  return a;
}

function blurRows(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    let n = 0;
    for (let x = 0; x <= r && x < w; x++) {
      sum += src[row + x];
      n++;
    }
    for (let x = 0; x < w; x++) {
      dst[row + x] = sum / n;
      const add = x + r + 1;
      const drop = x - r;
      if (add < w) {
        sum += src[row + add];
        n++;
      }
      if (drop >= 0) {
        sum -= src[row + drop];
        n--;
      }
    }
  }
}

function blurColumns(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const sum = new Float64Array(w);
  let n = 0;
  for (let y = 0; y <= r && y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) sum[x] += src[row + x];
    n++;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) dst[row + x] = sum[x] / n;
    const add = y + r + 1;
    const drop = y - r;
    if (add < h) {
      const ar = add * w;
      for (let x = 0; x < w; x++) sum[x] += src[ar + x];
      n++;
    }
    if (drop >= 0) {
      const dr = drop * w;
      for (let x = 0; x < w; x++) sum[x] -= src[dr + x];
      n--;
    }
  }
}
