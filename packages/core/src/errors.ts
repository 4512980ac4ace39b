/**
 * Every error biofuse raises on purpose is a BiometricError with a stable `code`, so callers
 * (the CLI's exit codes, the server's HTTP status, a run's failure column) can branch on the
 * class or the code instead of parsing messages.
 */
export class BiometricError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Scores handed to a metric are unusable: NaN, empty where a class is required, mismatched lengths. */
export class MetricsInputError extends BiometricError {
  constructor(message: string) {
    super('metrics_input', message);
  }
}

/** Training went wrong in a way the configuration check could not foresee (a loss that turned NaN). */
export class TrainingError extends BiometricError {
  constructor(message: string) {
    super('training', message);
  }
}

/** A configuration (experiment YAML, parameters, CLI options) is invalid. */
export class ConfigError extends BiometricError {
  constructor(message: string) {
    super('config', message);
  }
}

/** A data file is missing, unreadable or not in the expected format; names the file and, where known, the line. */
export class DatasetError extends BiometricError {
  /** The message without the file and line it is prefixed with, for callers that restate it. */
  readonly detail: string;

  /**
   * `options.input` names input that has no path (text or bytes in memory, say "signature
   * bytes"): its messages read `signature bytes, line 3: ...`, where a path reads `u.txt:3: ...`.
   */
  constructor(
    message: string,
    readonly path?: string,
    readonly line?: number,
    options?: { cause?: unknown; input?: string },
  ) {
    super('dataset', located(message, path, line, options?.input), options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = message;
  }
}

function located(message: string, path: string | undefined, line: number | undefined, input: string | undefined): string {
  if (path !== undefined) return `${path}${line === undefined ? '' : `:${line}`}: ${message}`;
  if (input !== undefined) return `${input}${line === undefined ? '' : `, line ${line}`}: ${message}`;
  return line === undefined ? message : `line ${line}: ${message}`;
}

/** A sample could not be turned into a template (no face, blank print, too few points...). */
export class AcquisitionError extends BiometricError {
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('acquisition', message, options);
  }
}

/** A stored template is truncated, of an unknown version, or of another modality or model. */
export class TemplateFormatError extends BiometricError {
  constructor(message: string) {
    super('template_format', message);
  }
}

/** The requested modality (or model) is not part of this build of biofuse. */
export class ModalityUnavailableError extends BiometricError {
  /** `options.message` says what is missing where the list of modalities would not (a package a modality runs on). */
  constructor(readonly modality: string, available: readonly string[], options?: { cause?: unknown; message?: string }) {
    super(
      'modality_unavailable',
      options?.message ??
        `modality "${modality}" is not available in this build of biofuse` +
          (available.length > 0 ? ` (available: ${available.join(', ')})` : ' (no modality is available yet)'),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

/** A download failed, or its content does not match the published checksum. */
export class FetchError extends BiometricError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('fetch', message, options);
  }
}

export type ImageDecodeFailure = 'empty' | 'unreadable' | 'unsupported_format' | 'corrupt' | 'too_large' | 'too_small' | 'several_images';

/** An image could not be decoded: empty, not an image, truncated, or beyond the size limits. */
export class ImageDecodeError extends BiometricError {
  constructor(
    readonly reason: ImageDecodeFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('image_decode', message, options);
  }
}

/**
 * `err` restated for where it came from (a sample file, a config): the same class, code,
 * fields and cause (callers branch on them: the CLI's exit code, a run's failure column), with
 * `source` in front of the message unless it is there already (a strict run that stopped on
 * "the template holds 3 minutiae" did not say which of thousands of files held them). A copy,
 * not an edit: one error can reach several callers (a rejected promise awaited by each), and
 * each names its own source.
 */
export function errorNaming(source: string, err: unknown): Error {
  if (!(err instanceof Error)) return new Error(`${source}: ${String(err)}`, { cause: err });
  if (err.message.startsWith(`${source}:`)) return err;
  const message = `${source}: ${err.message}`;
  // A real Error (an object made from the prototype alone is no Error to util.types.isNativeError
  // or to test matchers) given the original's prototype, so the class is kept whatever its
  // constructor's parameters; the own fields (name, code, reason, path, line) come along.
  const named = new Error(message, Object.hasOwn(err, 'cause') ? { cause: err.cause } : undefined);
  Object.setPrototypeOf(named, Object.getPrototypeOf(err) as object);
  Object.assign(named, err);
  const head = `${err.name}: ${err.message}`;
  named.stack = err.stack?.startsWith(head) ? `${err.name}: ${message}${err.stack.slice(head.length)}` : err.stack;
  return named;
}
