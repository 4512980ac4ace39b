import { relative, resolve } from 'node:path';

/** experiments/configs, as a path relative to the current folder when that is shorter. */
const absolute = resolve(import.meta.dirname, '../../../experiments/configs');
export const WORKSPACE_CONFIGS = relative(process.cwd(), absolute).length < absolute.length ? relative(process.cwd(), absolute) || '.' : absolute;
