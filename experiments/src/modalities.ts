import { ModalityUnavailableError, type Modality, type ModalityName } from '@biofuse/core';
import { parseSignatureParams, SignatureModality } from '@biofuse/signature';
import { FaceModality, parseFaceParams } from '@biofuse/face';
import { FingerprintModality, parseFingerprintParams } from '@biofuse/fingerprint';

/** Builds a modality from a pipeline's parameters (models load once, inside the factory). */
export type ModalityFactory = (params: Readonly<Record<string, unknown>>) => Promise<Modality<unknown, unknown>>;

export type ModalityRegistry = Readonly<Partial<Record<ModalityName, ModalityFactory>>>;

/**
 * The modalities this build of biofuse provides. Each modality package adds its factory here
 * when it lands; until then asking for one is a clear ModalityUnavailableError, never a
 * silent fallback.
 */
export const AVAILABLE_MODALITIES: ModalityRegistry = {
  signature: async (params) => new SignatureModality(parseSignatureParams(params)) as Modality<unknown, unknown>,
  fingerprint: async (params) => new FingerprintModality(parseFingerprintParams(params)) as Modality<unknown, unknown>,
  face: async (params) => (await FaceModality.create(parseFaceParams(params))) as Modality<unknown, unknown>,
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
