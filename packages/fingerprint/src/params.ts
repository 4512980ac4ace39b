import { ConfigError } from '@biofuse/core';
import { isSensorDpi, MAX_SENSOR_DPI, MIN_SENSOR_DPI } from './image/fingerprint-image';

/** What a fingerprint pipeline can be told from a config, the CLI or the server. */
export interface FingerprintParams {
  /** The sensor's resolution; overrides the file's (FVC2002 DB2 is 569 dpi and its TIFFs do not say). */
  readonly dpi?: number;
  /** Keep at most this many minutiae per template (best quality first). */
  readonly maxMinutiae?: number;
  /**
   * ISO/IEC 19794-2 records read as samples are mapped onto an image of this size [width, height]
   * (for records made from a resized copy of the image, like the FVC ones in ../shared), and
   * take the `dpi` parameter as their resolution when it is set.
   */
  readonly isoImageSize?: readonly [number, number];
  /**
   * Prints extracted from images with a quality below this (0-100) are a failure to acquire
   * ('low_quality'), as a capture station that asks for another impression would treat them;
   * stored templates pass unchanged (their quality may not be ours). Default: none.
   */
  readonly minQuality?: number;
}

/** A value as messages show it: NaN and Infinity as themselves (JSON.stringify wrote them as null). */
const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

/** Validates loose parameters (a YAML `params:` block, query options); unknown keys are refused by name. */
export function parseFingerprintParams(input: Readonly<Record<string, unknown>> | null = {}): FingerprintParams {
  // An empty YAML `params:` block parses to null: no parameters.
  const raw = input ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`fingerprint parameters must be a mapping, got ${JSON.stringify(raw)}`);
  const known = new Set(['dpi', 'maxMinutiae', 'isoImageSize', 'minQuality']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new ConfigError(`unknown fingerprint parameter "${key}" (known: ${[...known].join(', ')})`);
  }
  const positive = (key: string, max: number): number | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) {
      throw new ConfigError(`fingerprint parameter "${key}" must be a number in (0, ${max}], got ${shown(v)}`);
    }
    return v;
  };
  const size = raw.isoImageSize;
  if (size !== undefined && !(Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v > 0 && v <= 16383))) {
    throw new ConfigError(`fingerprint parameter "isoImageSize" must be [width, height] in pixels, got ${JSON.stringify(size)}`);
  }
  const maxMinutiae = positive('maxMinutiae', 255);
  if (maxMinutiae !== undefined && !Number.isInteger(maxMinutiae)) throw new ConfigError(`fingerprint parameter "maxMinutiae" must be a whole number, got ${maxMinutiae}`);
  const minQuality = raw.minQuality;
  if (minQuality !== undefined && !(typeof minQuality === 'number' && Number.isFinite(minQuality) && minQuality >= 0 && minQuality <= 100)) {
    throw new ConfigError(`fingerprint parameter "minQuality" must be a number in [0, 100], got ${shown(minQuality)}`);
  }
  const dpi = raw.dpi;
  if (dpi !== undefined && !(typeof dpi === 'number' && isSensorDpi(dpi))) {
    throw new ConfigError(`fingerprint parameter "dpi" must be a sensor's resolution, ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI}, got ${shown(dpi)}`);
  }
  const params: FingerprintParams = { dpi: dpi as number | undefined, maxMinutiae, minQuality: minQuality as number | undefined };
  return size === undefined ? params : { ...params, isoImageSize: [size[0], size[1]] };
}

