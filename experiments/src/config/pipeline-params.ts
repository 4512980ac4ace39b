import { ConfigError } from '@biofuse/core';
import { parseFaceParams } from '@biofuse/face';
import { parseFingerprintParams } from '@biofuse/fingerprint';
import { parseSignatureParams } from '@biofuse/signature';
import type { ExperimentConfig } from './schema';

/**
 * The modality's own parameter check, run while the config is read: a typo in
 * `pipeline.params` was found only when the run built its modality, without the file's name.
 * Iris has no parser in this build; whether it is available is the run's registry's to say.
 */
export function pipelineParamsProblem(pipeline: NonNullable<ExperimentConfig['pipeline']>): string | undefined {
  const parse: ((params: Readonly<Record<string, unknown>>) => unknown) | undefined =
    pipeline.modality === 'face' ? parseFaceParams : pipeline.modality === 'fingerprint' ? parseFingerprintParams : pipeline.modality === 'signature' ? parseSignatureParams : undefined;
  try {
    parse?.(pipeline.params);
  } catch (err) {
    if (err instanceof ConfigError) return `pipeline.params: ${err.message}`;
    throw err;
  }
  return undefined;
}
