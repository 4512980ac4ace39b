/** Where the high and low 32 bits of a double lie in its Uint32Array view, on this machine. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
const LOW = 1 - HIGH;

/**
 * The indices of `values` in decreasing order, equal values in increasing index order (-0 and
 * 0 are one value). A stable LSD radix sort on the bits of the doubles, four 16-bit passes with
 * no comparator call: sorting a million indices with a comparator took over a second. NaN has
 * no place in the order; callers leave it out.
 */
export function argsortDecreasing(values: Float64Array): Uint32Array {
  const n = values.length;
  const words = new Uint32Array(n * 2);
  const doubles = new Float64Array(words.buffer);
  for (let i = 0; i < n; i++) doubles[i] = values[i] + 0; // + 0 turns -0 into 0
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + HIGH];
    let l = words[2 * i + LOW];
    // Keys that sort ascending as the values sort descending: a non-negative value has all but
    // its sign bit flipped (larger value, smaller key, below every negative); a negative one's
    // bits already grow as it falls.
    if ((h & 0x80000000) === 0) {
      h ^= 0x7fffffff;
      l = ~l >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    idx[i] = i;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const start = new Uint32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    start.fill(0);
    for (let i = 0; i < n; i++) start[((word[i] >>> shift) & 0xffff) + 1]++;
    if (n === 0 || start[((word[0] >>> shift) & 0xffff) + 1] === n) continue; // one digit: the order stands
    for (let d = 0; d < 65536; d++) start[d + 1] += start[d];
    for (let i = 0; i < n; i++) {
      const at = start[(word[i] >>> shift) & 0xffff]++;
      hi2[at] = hi[i];
      lo2[at] = lo[i];
      idx2[at] = idx[i];
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}
