/**
 * Command-line options of the training benches, optionally from a YAML config
 * (`--config experiments/configs/training/X.yaml`) whose keys are the option names: the command
 * line overrides the file, the file overrides the defaults. An unknown key is an error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

type Spec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly default?: string | boolean }>>;
type Values<O extends Spec> = { [K in keyof O]: O[K] extends { default: infer D } ? (D extends boolean ? boolean : string) : O[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined };

export function parseBenchArgs<O extends Spec>(options: O): Values<O> & { config?: string } {
  reportErrorsPlainly();
  const withConfig = { ...options, config: { type: 'string' } } as const;
  const cli = parseArgs({ options: withConfig as never }).values as Record<string, string | boolean | undefined>;
  const fromFile: Record<string, string | boolean> = {};
  const path = cli.config as string | undefined;
  if (path) {
    const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: expected a map of options`);
    for (const [key, value] of Object.entries(parsed)) {
      if (key === 'description') continue;
      const spec = options[key];
      if (!spec) throw new Error(`${path}: unknown option "${key}" (options: ${Object.keys(options).join(', ')})`);
      if (spec.type === 'boolean' && typeof value !== 'boolean') throw new Error(`${path}: ${key} must be true or false`);
      fromFile[key] = spec.type === 'boolean' ? (value as boolean) : Array.isArray(value) ? value.join(',') : String(value);
    }
  }
  // parseArgs fills defaults: parse again without them to know what the command line really set.
  const bare = Object.fromEntries(Object.entries(withConfig).map(([k, v]) => [k, { type: v.type }]));
  const explicit = parseArgs({ options: bare as never }).values as Record<string, string | boolean | undefined>;
  return { ...cli, ...fromFile, ...explicit } as Values<O> & { config?: string };
}

/**
 * tfjs-backend-wasm's emscripten glue rethrows any uncaught error from inside itself, so Node
 * would print a line of its minified source instead of ours. Registered before tfjs loads, this
 * prints the error itself (message and stack) and exits with 1.
 */
function reportErrorsPlainly(): void {
  const report = (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}
