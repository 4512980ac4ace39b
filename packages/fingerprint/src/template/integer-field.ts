/** Throws what `refuse` makes unless `value` is an integer in 0..max (a header field about to be written). */
export function checkIntegerField(value: number, max: number, refuse: () => Error): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= max)) throw refuse();
}
