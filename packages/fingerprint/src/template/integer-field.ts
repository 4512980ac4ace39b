import { TemplateFormatError } from '@biofuse/core';

/**
 * Refuses a header field about to be written unless it is an integer in 0..max: a
 * TemplateFormatError whose message `describe` writes around the rule it broke.
 */
export function checkIntegerField(value: number, max: number, describe: (rule: string) => string): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= max)) throw new TemplateFormatError(describe(`(must be an integer 0-${max})`));
}
