import { ConfigError } from '@biofuse/core';

/** What a fingerprint pipeline can be told from a config, the CLI or the server. */
export interface FingerprintParams {
  /** The sensor's resolution; overrides the file's (FVC2002 DB2 is 569 dpi and its TIFFs do not say). */
  readonly dpi?: number;
  /** Keep at most this many minutiae per template (best quality first). */
  readonly maxMinutiae?: number;
}

/** Validates loose parameters (a YAML `params:` block, query options); unknown keys are refused by name. */
export function parseFingerprintParams(raw: Readonly<Record<string, unknown>> = {}): FingerprintParams {
  const known = new Set(['dpi', 'maxMinutiae']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new ConfigError(`unknown fingerprint parameter "${key}" (known: ${[...known].join(', ')})`);
  }
  const positive = (key: string, max: number): number | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) {
      throw new ConfigError(`fingerprint parameter "${key}" must be a number in (0, ${max}], got ${JSON.stringify(v)}`);
    }
    return v;
  };
  return { dpi: positive('dpi', 10_000), maxMinutiae: positive('maxMinutiae', 255) };
}
