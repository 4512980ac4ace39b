/** `v` to `digits` decimals (default 4), for the JSON the commands print. */
export const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;
