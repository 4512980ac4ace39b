import { MetricsInputError } from '../errors';

/** Refuses a NaN threshold: every comparison with it is false, so rates came back made up but reported as measured. */
export function checkThreshold(fn: string, threshold: number): void {
  if (Number.isNaN(threshold)) throw new MetricsInputError(`${fn}: the threshold is NaN`);
}
