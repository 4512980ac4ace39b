/**
 * The surface every modality package exports (see DESIGN.md), so fusion, galleries, the
 * experiment runner, the CLI and the server treat face, fingerprint, iris and signature alike.
 */
export type ModalityName = 'face' | 'fingerprint' | 'iris' | 'signature';

/** The result of one comparison. Similarity is always "higher = more similar". */
export interface Score {
  readonly similarity: number;
  /** The comparator's raw distance, when it natively measures one. */
  readonly distance?: number;
  readonly details?: Readonly<Record<string, number | string>>;
}

export interface Modality<S, T, ExtractOptions = unknown, Model = unknown> {
  readonly name: ModalityName;
  /** Decode and validate a sample; throws a typed error (DatasetError, AcquisitionError). */
  load(input: Buffer | string): Promise<S>;
  /** May fail to acquire: throws AcquisitionError with a reason. */
  extract(sample: S, opts?: ExtractOptions): Promise<T>;
  compare(a: T, b: T): Score;
  /** Versioned binary encoding; decode throws TemplateFormatError on unknown versions or truncation. */
  encode(t: T): Uint8Array;
  decode(b: Uint8Array): T;
  /** A fixed-length vector, for feature-level fusion and ANN search. */
  embed?(t: T): Float32Array;
  /**
   * The sample quality the template was extracted from, in [0, 1] (1 = best), for quality-
   * weighted fusion and quality-stratified reports (for example NFIQ-like / 100).
   */
  quality?(t: T): number;
  /**
   * Builds a reference from several enrolment samples (a user model: per-user statistics,
   * score normalisation). Without it, a multi-sample reference scores the best of its samples.
   */
  enrol?(references: readonly T[]): Model;
  /** Compares a probe with an enrolled reference; present whenever `enrol` is. */
  compareEnrolled?(model: Model, probe: T): Score;
}
