import { MAX_SEED } from '@biofuse/core';
import { MAX_SCORE_MAGNITUDE, NORMALISER_KINDS } from '@biofuse/fusion';
import { z } from 'zod';

/**
 * The experiment config: what data, which protocol, which pipeline, which metrics. Every
 * field is validated before any data is read; unknown keys are errors, so a typo does not
 * silently fall back to a default.
 */

const targetFmr = z.number().gt(0).lt(1);

const metricsSchema = z
  .strictObject({
    targetFmrs: z.array(targetFmr).min(1).default([1e-2, 1e-3, 1e-4]),
    detMaxPoints: z.int().min(10).max(5000).default(400),
    /** Closed-set identification (rank-k, CMC up to this rank) where every probe met one gallery; 0 = off. */
    identificationMaxRank: z.int().min(0).max(1000).default(0),
    /** Subjects resampled for the EER's 95 % interval (bootstrapEer, seeded by the config's seed); 0 = off. */
    eerBootstrapResamples: z.union([z.literal(0), z.int().min(100).max(10000)]).default(1000),
  })
  .prefault({});

/** A system's name: a score matrix's key, a simulated modality, a fused input. */
const systemName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'system names use letters, digits, _ . -');

/**
 * The most standard deviations a simulated score lies from its mean, with room to spare: the
 * simulator's normal draws (Box-Muller on 32-bit uniforms) stay within ±6.67, a user's shift is
 * one such draw, and a correlated score, a unit-variance mix of them, passes 10 with a
 * probability below 1e-22.
 */
const MAX_DEVIATES = 10;

/** Within ±1e100, as fusion takes scores: a mean or sd of 1e308 drew scores of Infinity. */
const normal = z.strictObject({ mean: z.number().min(-MAX_SCORE_MAGNITUDE).max(MAX_SCORE_MAGNITUDE), sd: z.number().positive().max(MAX_SCORE_MAGNITUDE) });

/** NIST BSSR1-style square score matrices, one per system (matcher). */
const scoreMatrixSource = z.strictObject({
  loader: z.literal('score-matrix'),
  /** Folder relative to the data root. */
  root: z.string().min(1),
  /** System name -> matrix file relative to `root`; a run lists the systems in name order (a mapping has no other). */
  systems: z.record(systemName, z.string().min(1)),
  /** A cell value that marks a failed comparison; by default every cell is kept as a score. */
  failureValue: z.number().optional(),
});

/** The seeded multimodal score simulator (no data needed). */
const simulatedScoresSource = z.strictObject({
  loader: z.literal('simulated-scores'),
  subjects: z.int().min(2).max(1_000_000),
  impostorsPerSubject: z.int().min(1),
  /** Genuine comparisons per subject (default 1). */
  genuinePerSubject: z.int().min(1).max(1000).optional(),
  modalities: z
    .array(
      z
        .strictObject({
          name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
          genuine: normal,
          impostor: normal,
          failureRate: z.number().min(0).lt(1).default(0),
          /** Per-subject spread of the genuine mean (goats and sheep; default 0). */
          userSpread: z.number().min(0).max(MAX_SCORE_MAGNITUDE).optional(),
        })
        .superRefine((mod, ctx) => {
          // Each bound alone let mean 1e100 with sd 1e100 through, to draw scores past 1e100 and fail mid-run.
          for (const side of ['genuine', 'impostor'] as const) {
            const spread = side === 'genuine' ? (mod.userSpread ?? 0) : 0;
            const reach = Math.abs(mod[side].mean) + MAX_DEVIATES * (mod[side].sd + spread);
            if (reach <= MAX_SCORE_MAGNITUDE) continue;
            const terms = side === 'genuine' && spread > 0 ? `|mean| + ${MAX_DEVIATES} x (sd + userSpread)` : `|mean| + ${MAX_DEVIATES} x sd`;
            ctx.addIssue({
              code: 'custom',
              path: [side],
              message: `modality "${mod.name}" can draw ${side} scores of ${terms} = ${reach.toExponential(2)}, beyond the ±${MAX_SCORE_MAGNITUDE} fusion takes: lower them`,
            });
          }
        }),
    )
    .min(1),
  genuineCorrelation: z.array(z.array(z.number().min(-1).max(1))).optional(),
  impostorCorrelation: z.array(z.array(z.number().min(-1).max(1))).optional(),
});

/** Samples of a modality, compared by that modality's own pipeline. */
const modalitySource = z.strictObject({
  loader: z.enum(['fvc', 'svc2004', 'lfw', 'pairs', 'identity-folders']),
  root: z.string().min(1),
  /** For `pairs` and `lfw`: the pairs file relative to `root`. */
  pairs: z.string().optional(),
  /** For `lfw`: the images folder relative to `root`. */
  images: z.string().optional(),
  /** For `lfw`: only the pairs of these View 2 folds (keep calibration folds out of a report); each must be one of the pairs file's. */
  folds: z.array(z.int().min(1)).min(1).optional(),
  /**
   * For `fvc`: take each comparison's probe from this folder (relative to `root`) instead, as
   * `<same name><probeExtension>`; e.g. another vendor's templates of the same impressions.
   */
  probeFolder: z.string().min(1).optional(),
  /** With probeFolder: the probes' extension (default: the reference's own). */
  probeExtension: z
    .string()
    .regex(/^\.[A-Za-z0-9]+$/)
    .optional(),
  /**
   * For `pairs`: which folder of a sample's path names its subject, counting from the first
   * (default 1: `<subject>/<file>`; 2 for `images/<subject>/<file>`). A pairs file names no
   * subjects, and the subject-disjoint statistics (the EER's interval) need them.
   */
  subjectFolder: z.int().min(1).max(32).optional(),
});

/**
 * Seeded synthetic online signatures (sigma-lognormal), generated on first use into a cache
 * folder in SVC2004 layout and compared under the SVC2004 protocol: no dataset needed.
 */
const syntheticSignaturesSource = z.strictObject({
  loader: z.literal('synthetic-signatures'),
  users: z.int().min(2).max(1000).default(40),
});

/**
 * Seeded synthetic fingerprints (SFinGe-style master prints and impressions), generated on
 * first use into a cache folder in FVC layout and compared under the FVC protocol.
 */
const syntheticFingerprintsSource = z.strictObject({
  loader: z.literal('synthetic-fingerprints'),
  fingers: z.int().min(2).max(2000).default(10),
  impressions: z.int().min(2).max(32).default(8),
});

/** Scores written by an earlier run (`probe,reference,label,kind,<system>,<system>_error...`). */
const scoresCsvSource = z.strictObject({
  loader: z.literal('scores-csv'),
  /** Files relative to the data root (or absolute); several files are joined on probe and reference. */
  files: z.array(z.string().min(1)).min(1),
});

const fusionMethodSchema = z.strictObject({
  method: z.enum(['sum', 'weighted-sum', 'user-weighted-sum', 'product', 'max', 'min', 'logistic', 'likelihood-ratio', 'and', 'or', 'majority']),
  /** and / or / majority: each input decides at its training threshold for this FMR (default 1e-3). */
  targetFmr: z.number().gt(0).lt(1).optional(),
  normaliser: z.enum(NORMALISER_KINDS as [string, ...string[]]).optional(),
  /** sum / weighted-sum: scale each input's weight by the comparison's sample quality; needs an input that reports one. */
  qualityWeighted: z.boolean().optional(),
  /**
   * weighted-sum: a weight per fused system, by name (`{ face-C: 1, finger-right: 10 }`); a
   * list only beside `fusion.inputs`, in its order. Fitted as 1 / EER when omitted.
   */
  weights: z.union([z.record(z.string().min(1), z.number().positive()), z.array(z.number().positive()).min(1)]).optional(),
  /** likelihood-ratio: largest component count BIC may choose. */
  maxComponents: z.int().min(1).max(20).optional(),
  /** user-weighted-sum: how many of a user's own comparisons weigh as much as the population (default 0.5). */
  relevance: z.number().min(0).optional(),
  /** logistic: L2 penalty on standardised weights. */
  l2: z.number().min(0).optional(),
  /** Name of the fused system in tables and plots (default: method/normaliser). */
  name: z.string().regex(/^[A-Za-z0-9_.:/-]+$/).optional(),
});

const fusionSchema = z.strictObject({
  /** Systems to fuse, at least two (default: all of the dataset's); their order is the order of a list of weights. */
  inputs: z.array(z.string()).min(1).optional(),
  /** Cross-validation folds. */
  folds: z.int().min(2).max(50).default(5),
  /**
   * subject-disjoint (default): every method is fitted and reported on different subjects.
   * within-subject: each user's comparisons are split across folds (same users, never the same
   * comparison): the protocol for user-specific weights, which need to have seen the user.
   */
  protocol: z.enum(['subject-disjoint', 'within-subject']).default('subject-disjoint'),
  methods: z.array(fusionMethodSchema).min(1),
});

const singleDataset = z.discriminatedUnion('loader', [scoreMatrixSource, simulatedScoresSource, scoresCsvSource, syntheticSignaturesSource, syntheticFingerprintsSource, modalitySource]);

/** For modality datasets: which modality compares the samples, with its parameters. */
const pipelineSchema = z.strictObject({
  modality: z.enum(['face', 'fingerprint', 'iris', 'signature']),
  params: z.record(z.string(), z.unknown()).default({}),
});

const protocolSchema = z
  .strictObject({
    /** SVC2004: how many seeded trials, enrolment signatures and random forgeries. */
    trials: z.int().min(1).optional(),
    enrolment: z.int().min(1).optional(),
    randomForgeries: z.int().min(0).optional(),
    /** Restrict to some comparison kinds (e.g. ['genuine', 'skilled']). */
    kinds: z.array(z.string()).optional(),
  })
  .prefault({});

/**
 * Chimeric (virtual) subjects: each source is a single-modality dataset with its own pipeline;
 * a seeded assignment makes the i-th virtual person out of one real subject of every source.
 */
const chimericSource = z.strictObject({
  loader: z.literal('chimeric'),
  sources: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'source names use letters, digits, _ . -'),
        dataset: singleDataset,
        pipeline: pipelineSchema.optional(),
        protocol: protocolSchema,
      }),
    )
    .min(2),
});

export const experimentConfigSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes')
    .optional(),
  description: z.string().optional(),
  /** Seeds every random choice; 32 bits (the generators' state), so larger values are refused rather than wrapped. */
  seed: z.int().min(0).max(MAX_SEED).default(0),
  /** Stop at the first unreadable file or failed sample instead of recording it. */
  strict: z.boolean().default(false),
  dataset: z.discriminatedUnion('loader', [scoreMatrixSource, simulatedScoresSource, scoresCsvSource, syntheticSignaturesSource, syntheticFingerprintsSource, chimericSource, modalitySource]),
  pipeline: pipelineSchema.optional(),
  protocol: protocolSchema,
  /** Score-level fusion of the dataset's systems, evaluated by subject-disjoint cross-validation. */
  fusion: fusionSchema.optional(),
  metrics: metricsSchema,
});

export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;
export type ParsedExperimentConfig = z.output<typeof experimentConfigSchema>;
export type DatasetConfig = ParsedExperimentConfig['dataset'];
export type ScoreMatrixSourceConfig = z.output<typeof scoreMatrixSource>;
export type SimulatedScoresSourceConfig = z.output<typeof simulatedScoresSource>;
export type ModalitySourceConfig = z.output<typeof modalitySource>;
export type ScoresCsvSourceConfig = z.output<typeof scoresCsvSource>;
export type SyntheticSignaturesSourceConfig = z.output<typeof syntheticSignaturesSource>;
export type SyntheticFingerprintsSourceConfig = z.output<typeof syntheticFingerprintsSource>;
export type ChimericSourceConfig = z.output<typeof chimericSource>;
export type FusionConfig = z.output<typeof fusionSchema>;
export type FusionMethodConfig = z.output<typeof fusionMethodSchema>;

/** A validated config with its id settled. */
export interface ExperimentConfig extends ParsedExperimentConfig {
  readonly id: string;
}
