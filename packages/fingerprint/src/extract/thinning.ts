/**
 * Thinning of the binary ridge map to one-pixel skeletons (Zhang & Suen 1984), then removal of
 * the corner pixels Zhang-Suen leaves on diagonal staircases, which would otherwise read as
 * bifurcations. Neighbour codes index precomputed deletion tables, and each pass only
 * revisits pixels that are still set.
 */
export function thinRidges(binary: Uint8Array, width: number, height: number): Uint8Array {
  const img = Uint8Array.from(binary);
  // Clear the frame so neighbourhood reads never leave the image.
  for (let x = 0; x < width; x++) {
    img[x] = 0;
    img[(height - 1) * width + x] = 0;
  }
  for (let y = 0; y < height; y++) {
    img[y * width] = 0;
    img[y * width + width - 1] = 0;
  }
  const { first, second } = zhangSuenTables();
  let candidates: number[] = [];
  for (let i = 0; i < img.length; i++) if (img[i]) candidates.push(i);
  const toDelete: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const table of [first, second]) {
      toDelete.length = 0;
      for (const i of candidates) {
        if (img[i] && table[neighbourCode(img, i, width)]) toDelete.push(i);
      }
      for (const i of toDelete) img[i] = 0;
      if (toDelete.length > 0) changed = true;
    }
    candidates = candidates.filter((i) => img[i] === 1);
  }
  removeStaircaseCorners(img, width, candidates);
  return img;
}

/**
 * Neighbour bits clockwise from north: P2 (N) = bit 0, P3 (NE) = 1, P4 (E) = 2, P5 (SE) = 3,
 * P6 (S) = 4, P7 (SW) = 5, P8 (W) = 6, P9 (NW) = 7.
 */
export function neighbourCode(img: Uint8Array, i: number, width: number): number {
  return (
    img[i - width] |
    (img[i - width + 1] << 1) |
    (img[i + 1] << 2) |
    (img[i + width + 1] << 3) |
    (img[i + width] << 4) |
    (img[i + width - 1] << 5) |
    (img[i - 1] << 6) |
    (img[i - width - 1] << 7)
  );
}

let tables: { first: Uint8Array; second: Uint8Array } | undefined;

function zhangSuenTables(): { first: Uint8Array; second: Uint8Array } {
  if (tables) return tables;
  const first = new Uint8Array(256);
  const second = new Uint8Array(256);
  for (let code = 0; code < 256; code++) {
    const p = (k: number) => (code >> k) & 1; // p(0) = P2 ... p(7) = P9
    let b = 0;
    for (let k = 0; k < 8; k++) b += p(k);
    let a = 0;
    for (let k = 0; k < 8; k++) if (p(k) === 0 && p((k + 1) % 8) === 1) a++;
    if (b < 2 || b > 6 || a !== 1) continue;
    const [p2, p4, p6, p8] = [p(0), p(2), p(4), p(6)];
    if (p2 * p4 * p6 === 0 && p4 * p6 * p8 === 0) first[code] = 1;
    if (p2 * p4 * p8 === 0 && p2 * p6 * p8 === 0) second[code] = 1;
  }
  tables = { first, second };
  return tables;
}

/** A pixel with two 4-connected neighbours at a right angle whose diagonal is empty is a redundant corner. */
function removeStaircaseCorners(img: Uint8Array, width: number, pixels: readonly number[]): void {
  for (const i of pixels) {
    if (!img[i]) continue;
    const n = img[i - width];
    const e = img[i + 1];
    const s = img[i + width];
    const w = img[i - 1];
    const corner =
      (n && e && !s && !w && !img[i + width - 1]) ||
      (e && s && !n && !w && !img[i - width - 1]) ||
      (s && w && !n && !e && !img[i - width + 1]) ||
      (w && n && !s && !e && !img[i + width + 1]);
    if (corner) img[i] = 0;
  }
}
