import { ConfigError } from '@biofuse/core';
import { paramsParser } from '../modalities';
import type { ExperimentConfig } from './schema';

/**
 * The modality's own parameter check, run while the config is read: a typo in
 * `pipeline.params` was found only when the run built its modality, without the file's name.
 * Iris has no parser in this build; whether it is available is the run's registry's to say.
 */
export function pipelineParamsProblem(pipeline: NonNullable<ExperimentConfig['pipeline']>): string | undefined {
  try {
    paramsParser(pipeline.modality)?.(pipeline.params);
  } catch (err) {
    if (err instanceof ConfigError) return `pipeline.params: ${err.message}`;
    throw err;
  }
  return undefined;
}
