import { isSensorDpi, MAX_SENSOR_DPI, MIN_SENSOR_DPI } from '@biofuse/fingerprint';
import { UsageError } from './exit-codes';
import { positiveNumberOption } from './options';

/** `--dpi` of a fingerprint command: a resolution some sensor has (a template at 5,000 dpi could be written but never read back). */
export function sensorDpiOption(value: string): number {
  const dpi = positiveNumberOption('--dpi', value);
  if (!isSensorDpi(dpi)) throw new UsageError(`--dpi must be a sensor's resolution, ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI}, got "${value}"`);
  return dpi;
}
