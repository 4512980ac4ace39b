import { ModalityUnavailableError, type Modality, type ModalityName } from '@biofuse/core';
import { parseSignatureParams, SignatureModality, SVC2004_GLOBAL_WITHIN_SPREAD } from '@biofuse/signature';
import { FaceModality, parseFaceParams } from '@biofuse/face';
import { DEFAULT_EXTRACTION_PARAMS, DEFAULT_FINGERPRINT_DPI, FINGERPRINT_MATCH_PARAMS, FingerprintModality, parseFingerprintParams } from '@biofuse/fingerprint';
import { withSortedKeys } from './run/json';

/** Builds a modality from a pipeline's parameters (models load once, inside the factory). */
export type ModalityFactory = (params: Readonly<Record<string, unknown>>) => Promise<Modality<unknown, unknown>>;

export type ModalityRegistry = Readonly<Partial<Record<ModalityName, ModalityFactory>>>;

/** A modality's own check of `pipeline.params`: a ConfigError for a key or value it does not take. */
export type ParamsParser = (params: Readonly<Record<string, unknown>>) => unknown;

/**
 * Each modality's parameter parser, in one table: the config check runs it while the config is
 * read (pipelineParamsProblem), and the factories below build from what it returns.
 */
const PARAMS_PARSERS = {
  signature: parseSignatureParams,
  fingerprint: parseFingerprintParams,
  face: parseFaceParams,
} as const satisfies Readonly<Partial<Record<ModalityName, ParamsParser>>>;

/** The parameter parser of a modality; undefined for one this build has none for (iris). */
export function paramsParser(name: ModalityName): ParamsParser | undefined {
  const parsers: Readonly<Partial<Record<ModalityName, ParamsParser>>> = PARAMS_PARSERS;
  return parsers[name];
}

/**
 * The modalities this build of biofuse provides. Each modality package adds its factory here
 * when it lands; until then asking for one is a clear ModalityUnavailableError, never a
 * silent fallback.
 */
export const AVAILABLE_MODALITIES: ModalityRegistry = {
  signature: async (params) => {
    // The population spread is given, not left to the constructor's default: the modality keeps
    // it private, and the run's manifest records what the modality was built with.
    const modality = new SignatureModality(PARAMS_PARSERS.signature(params), SVC2004_GLOBAL_WITHIN_SPREAD);
    builtWith.set(modality, { globalWithinSpread: { name: 'SVC2004_GLOBAL_WITHIN_SPREAD', values: SVC2004_GLOBAL_WITHIN_SPREAD } });
    return modality as Modality<unknown, unknown>;
  },
  fingerprint: async (params) => new FingerprintModality(PARAMS_PARSERS.fingerprint(params)) as Modality<unknown, unknown>,
  face: async (params) => (await FaceModality.create(PARAMS_PARSERS.face(params))) as Modality<unknown, unknown>,
};

export async function createModality(
  name: ModalityName,
  params: Readonly<Record<string, unknown>>,
  registry: ModalityRegistry = AVAILABLE_MODALITIES,
): Promise<Modality<unknown, unknown>> {
  const factory = registry[name];
  if (!factory) throw new ModalityUnavailableError(name, Object.keys(registry));
  return factory(params);
}

/** What a factory above gave a modality that the modality does not make public. */
const builtWith = new WeakMap<object, Readonly<Record<string, unknown>>>();

/**
 * A modality's parameters as it resolved them, with every default filled in: what a run's
 * manifest records, so that a default changed in code changes the record of a run of the same
 * config. JSON values only, keys in code-unit order at every depth (the same modality, the same
 * bytes). `params` is the pipeline's `params` from the config. Null for a modality this build
 * does not know (one from another registry: a test's stand-in).
 *
 * - signature: the parsed parameters (SignatureParams, complete) and the within-writer spread
 *   of the global features it scores with (null where another registry built it).
 * - fingerprint: the parsed parameters (a null dpi: each file's own, else `defaultDpi`; a null
 *   minQuality or isoImageSize: none), the extraction parameters (DEFAULT_EXTRACTION_PARAMS with
 *   `maxMinutiae` as the modality's constructor sets it) and the matcher's
 *   (FINGERPRINT_MATCH_PARAMS, which `compare` uses).
 * - face: the parsed parameters; the recogniser's model id (models and weights, alignment,
 *   margin, flip), its embedding id (with the digest of the models' cards and weights), the
 *   detector and acquisition settings it resolved, the embedding length and card path; and the
 *   metric (FaceModality keeps it private: the one given, else the 'cosine' FaceModality.create
 *   defaults to).
 */
export async function resolvedParams(modality: Modality<unknown, unknown>, params: Readonly<Record<string, unknown>>): Promise<Record<string, unknown> | null> {
  if (modality instanceof SignatureModality) {
    return withSortedKeys({ ...modality.params, globalWithinSpread: null, ...builtWith.get(modality) }) as Record<string, unknown>;
  }
  if (modality instanceof FingerprintModality) {
    const p = modality.params;
    return withSortedKeys({
      dpi: p.dpi ?? null,
      defaultDpi: DEFAULT_FINGERPRINT_DPI,
      minQuality: p.minQuality ?? null,
      isoImageSize: p.isoImageSize ?? null,
      // As FingerprintModality's constructor makes them (it keeps them private).
      extraction: p.maxMinutiae === undefined ? DEFAULT_EXTRACTION_PARAMS : { ...DEFAULT_EXTRACTION_PARAMS, maxMinutiae: p.maxMinutiae },
      match: FINGERPRINT_MATCH_PARAMS,
    }) as Record<string, unknown>;
  }
  if (modality instanceof FaceModality) {
    const given = parseFaceParams(params);
    const r = modality.recognizer;
    return withSortedKeys({
      ...given,
      metric: given.metric ?? 'cosine',
      modelId: r.modelId,
      embeddingId: await r.embeddingId(),
      configurationId: r.configurationId,
      detector: r.detectorName,
      acquisition: JSON.parse(r.acquisitionSettings) as unknown,
      embeddingLength: r.dims,
      cardPath: r.cardPath ?? null,
    }) as Record<string, unknown>;
  }
  return null;
}
