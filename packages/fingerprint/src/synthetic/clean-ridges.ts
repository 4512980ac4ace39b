/**
 * Binarises the grown ridge field inside the area and cleans it: ridge specks and valley holes
 * smaller than the given areas (4-connected pixels) are flipped to their surroundings.
 * Returns 1 for ridge, 0 for valley or outside.
 */
export function binariseRidges(field: Float32Array, mask: Uint8Array, width: number, height: number, minRidgePx: number, minValleyPx: number): Uint8Array {
  const ridge = new Uint8Array(width * height);
  for (let i = 0; i < ridge.length; i++) ridge[i] = mask[i] && field[i] > 0 ? 1 : 0;
  removeSmallComponents(ridge, mask, width, height, 1, minRidgePx);
  removeSmallComponents(ridge, mask, width, height, 0, minValleyPx);
  return ridge;
}

/** Flips the 4-connected components of `value` inside `mask` that have fewer than `minPx` pixels. */
function removeSmallComponents(img: Uint8Array, mask: Uint8Array, width: number, height: number, value: 0 | 1, minPx: number): void {
  const seen = new Uint8Array(img.length);
  const stack = new Int32Array(img.length);
  const members: number[] = [];
  for (let start = 0; start < img.length; start++) {
    if (seen[start] || !mask[start] || img[start] !== value) continue;
    members.length = 0;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let touchesBorder = false;
    while (top > 0) {
      const p = stack[--top];
      members.push(p);
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesBorder = true;
      for (let k = 0; k < 4; k++) {
        const q = k === 0 ? (x > 0 ? p - 1 : -1) : k === 1 ? (x < width - 1 ? p + 1 : -1) : k === 2 ? (y > 0 ? p - width : -1) : y < height - 1 ? p + width : -1;
        if (q < 0) continue;
        if (!mask[q]) {
          touchesBorder = true;
          continue;
        }
        if (seen[q] || img[q] !== value) continue;
        seen[q] = 1;
        stack[top++] = q;
      }
    }
    // Pieces cut by the border of the area are kept: they are ridges that run out of the print.
    if (members.length < minPx && !touchesBorder) for (const p of members) img[p] = 1 - value;
  }
}
