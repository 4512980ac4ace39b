/**
 * Orders strings code unit by code unit (UTF-16), as `<` compares them: unlike localeCompare,
 * the order does not depend on the machine's locale, so listings, config hashes and ties come
 * out the same everywhere. A comparator for `sort`.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
