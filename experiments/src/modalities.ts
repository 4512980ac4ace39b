import { ModalityUnavailableError, type Modality, type ModalityName } from '@biofuse/core';
import { parseSignatureParams, SignatureModality } from '@biofuse/signature';
import { FaceModality, parseFaceParams } from '@biofuse/face';
import { FingerprintModality, parseFingerprintParams } from '@biofuse/fingerprint';

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
  signature: async (params) => new SignatureModality(PARAMS_PARSERS.signature(params)) as Modality<unknown, unknown>,
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
