/** A sample file of a dataset, named relative to the dataset's root, with its subject. */
export interface DatasetSample {
  readonly path: string;
  readonly subject: string;
}

/**
 * One comparison of a protocol: a reference built from one or more samples (several when a
 * protocol enrols several, as SVC2004 does) against one probe sample.
 */
export interface ProtocolComparison {
  readonly reference: readonly string[];
  readonly probe: string;
  readonly genuine: boolean;
  /** The protocol's name for this kind of comparison: 'genuine', 'impostor', 'skilled', 'random'... */
  readonly kind: string;
  /** Cross-validation fold or trial the comparison belongs to, where the protocol has them. */
  readonly fold?: number;
}

/** A file that a loader saw but could not use, with the reason; counted, never silently dropped. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface DatasetListing {
  readonly samples: readonly DatasetSample[];
  readonly skipped: readonly SkippedFile[];
}
