/**
 * A 2-D affine map `[x', y'] = [a*x + b*y + c, d*x + e*y + f]`, stored as `[a, b, c, d, e, f]`.
 * Similarity transforms (rotation, uniform scale, translation) are the special case `d = -b, e = a`.
 */
export type Affine = readonly [number, number, number, number, number, number];

/**
 * The least-squares similarity transform taking `from` points onto `to` points (Umeyama's
 * closed form without reflection). Points are interleaved `[x0, y0, x1, y1, ...]`; optional
 * weights let a caller trust some landmarks more than others.
 */
export function similarityTransform(from: ArrayLike<number>, to: ArrayLike<number>, weights?: ArrayLike<number>): Affine {
  const n = from.length / 2;
  if (n < 2 || from.length !== to.length) throw new RangeError('similarityTransform needs two or more point pairs of equal count');
  let sw = 0;
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    sw += w;
    fx += w * from[2 * i];
    fy += w * from[2 * i + 1];
    tx += w * to[2 * i];
    ty += w * to[2 * i + 1];
  }
  fx /= sw;
  fy /= sw;
  tx /= sw;
  ty /= sw;
  // With centred points p (from) and q (to): a = sum(p.q) / sum(|p|^2), b = sum(p x q) / sum(|p|^2).
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const px = from[2 * i] - fx;
    const py = from[2 * i + 1] - fy;
    const qx = to[2 * i] - tx;
    const qy = to[2 * i + 1] - ty;
    dot += w * (px * qx + py * qy);
    cross += w * (px * qy - py * qx);
    norm += w * (px * px + py * py);
  }
  if (norm === 0) throw new RangeError('similarityTransform: all source points coincide');
  const a = dot / norm;
  const s = cross / norm;
  // x' = a x - s y + c ; y' = s x + a y + f
  return [a, -s, tx - a * fx + s * fy, s, a, ty - s * fx - a * fy];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0) throw new RangeError('invertAffine: singular transform');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function applyAffine(m: Affine, points: ArrayLike<number>): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    out[i] = m[0] * x + m[1] * y + m[2];
    out[i + 1] = m[3] * x + m[4] * y + m[5];
  }
  return out;
}

/** The scale factor of a similarity transform (output pixels per input pixel). */
export function affineScale(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}
