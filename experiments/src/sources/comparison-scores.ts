import type { ModalityName, SimulatedModality, SkippedFile } from '@biofuse/core';

/** The scores of one system (a matcher, a modality, a fused score) over a run's comparisons. */
export interface SystemScores {
  readonly name: string;
  /** One per comparison; NaN where the comparison could not be made. */
  readonly scores: Float64Array;
  /** Why a comparison could not be made (undefined where it was). */
  readonly errors: readonly (string | undefined)[];
  /** Sample quality of each comparison in [0, 1] where the system reports one (NaN where unknown). */
  readonly quality?: Float64Array;
}

/** Every comparison of a run, with ground truth and one score column per system. */
export interface ComparisonScores {
  readonly probe: readonly string[];
  readonly reference: readonly string[];
  /** The identities compared (for subject-disjoint protocols); equal to probe/reference where those are subject ids. */
  readonly probeSubject: readonly string[];
  readonly referenceSubject: readonly string[];
  /** 1 genuine, 0 impostor. */
  readonly label: Uint8Array;
  /** The protocol's kind of each comparison ('genuine', 'impostor', 'skilled', 'random'...). */
  readonly kind: readonly string[];
  readonly systems: readonly SystemScores[];
  /** Files the loader saw but could not use. */
  readonly skipped: readonly SkippedFile[];
  /**
   * Dataset files read, for the run manifest: the list the cache fingerprint is made of
   * (experimentDataFiles), from the same listing step.
   */
  readonly dataFiles: readonly string[];
  /** Datasets the run generated from its config (synthetic prints, signatures): the folders read and their content. */
  readonly generated?: readonly GeneratedData[];
  /** Scores the run simulated (no data read): what the simulator drew them with. */
  readonly simulated?: readonly SimulatedData[];
  /** The modalities that made the systems' scores, with the parameters they resolved (none for a dataset of scores). */
  readonly pipelines?: readonly ResolvedPipeline[];
}

/** A modality that scored one system of a run, and its parameters with every default filled in (see resolvedParams). */
export interface ResolvedPipeline {
  /** The system whose scores it made (its column in scores.csv). */
  readonly system: string;
  readonly modality: ModalityName;
  /** Null for a modality this build cannot describe (one from another registry). */
  readonly params: Readonly<Record<string, unknown>> | null;
}

/**
 * Simulated scores: the seed and settings core's simulateMultimodalScores drew them with,
 * defaults filled in (a correlation left out of the config is the identity), which reproduce them.
 */
export interface SimulatedData {
  readonly simulator: 'simulateMultimodalScores';
  readonly seed: number;
  readonly subjects: number;
  readonly impostorsPerSubject: number;
  readonly genuinePerSubject: number;
  readonly modalities: readonly Required<SimulatedModality>[];
  readonly genuineCorrelation: readonly (readonly number[])[];
  readonly impostorCorrelation: readonly (readonly number[])[];
}

/** A generated dataset: its folder (absolute) and the fingerprint of its files, as the cache of generated data checks it. */
export interface GeneratedData {
  readonly folder: string;
  readonly files: number;
  readonly bytes: number;
  readonly sha256: string;
}
