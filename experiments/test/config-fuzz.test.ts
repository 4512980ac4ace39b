import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, seededRandom, type Random } from '@biofuse/core';
import { editedJson, jsonEntries, randomBytes, thrownBy, type Json, type JsonPath } from '@biofuse/core/testing';
import { isMap, isScalar, isSeq, parse, parseDocument, stringify, type Node } from 'yaml';
import { configHash, parseExperimentConfig } from '../src/config/load-config';

/**
 * Seeded mutation fuzzing of the experiment configs in experiments/configs: keys misspelt, values
 * of the wrong type or far too large, keys given twice, anchors and aliases (one that rewrites a
 * config to the same config, and an alias bomb), empty files and binary garbage. Every mutant is
 * a ConfigError that names the file and the key; an equivalent rewrite gives the same config hash.
 */

interface Shipped {
  readonly file: string;
  readonly text: string;
  /** The YAML as written (before defaults), to mutate. */
  readonly raw: Json;
  readonly hash: string;
}

const configsDir = resolve(import.meta.dirname, '../configs');

/** Keys that are names a config chooses (systems, weights by system), not fields of the schema: any spelling is a name. */
const chosenNames = (path: JsonPath) => path.some((k, i) => (k === 'systems' || k === 'weights') && i < path.length - 1);

function misspell(key: string, random: Random): string {
  const at = random.int(key.length);
  switch (random.int(4)) {
    case 0:
      return key.length > 1 ? key.slice(0, at) + key.slice(at + 1) : `${key}${key}`;
    case 1:
      return key.slice(0, at) + key[at] + key.slice(at);
    case 2:
      return at + 1 < key.length && key[at] !== key[at + 1] ? key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2) : `${key}s`;
    default:
      return key.slice(0, at) + (key[at] === key[at].toUpperCase() ? key[at].toLowerCase() : key[at].toUpperCase()) + key.slice(at + 1);
  }
}

/** A value of another type than `value`. */
function otherType(value: Json, random: Random): Json {
  const choices: Json[] = typeof value === 'number' ? ['12', true, [value]] : typeof value === 'string' ? [7, false, [value]] : typeof value === 'boolean' ? ['yes', 1] : Array.isArray(value) ? [{ first: value[0] ?? 1 }, 'a list', 3] : [[value], 'a map', 4];
  return choices[random.int(choices.length)];
}

/** Whether a message names the value at `path`: the issue's path, or for a modality's own params the parameter's name. */
function names(message: string, path: JsonPath): boolean {
  return message.includes(path.join('.')) || (path.includes('params') && message.includes(`"${String(path[path.indexOf('params') + 1])}"`));
}

function configError(text: string, file: string): ConfigError {
  const err = thrownBy(() => parseExperimentConfig(text, file));
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(err)}`, { cause: err });
  expect(err.message.startsWith(`${file}:`), err.message).toBe(true);
  return err;
}

describe('experiment configs under seeded mutation', () => {
  const shipped: Shipped[] = [];
  beforeAll(async () => {
    for (const name of (await readdir(configsDir)).filter((f) => f.endsWith('.yaml')).sort()) {
      const file = join(configsDir, name);
      const text = await readFile(file, 'utf8');
      shipped.push({ file, text, raw: parse(text) as Json, hash: configHash(parseExperimentConfig(text, file)) });
    }
    expect(shipped.length).toBeGreaterThan(10);
  });

  it('refuses a misspelt key, naming it (or the key it should have been)', () => {
    const random = seededRandom(1);
    for (const { file, raw } of shipped) {
      const keys = jsonEntries(raw).filter(({ path }) => typeof path[path.length - 1] === 'string' && !chosenNames(path));
      for (let n = 0; n < 6; n++) {
        const { path } = keys[random.int(keys.length)];
        const key = path[path.length - 1] as string;
        const typo = misspell(key, random);
        // Face params take `model` for `models` on purpose (the generic --model option): a synonym, not a typo.
        if (key === 'models' && typo === 'model') continue;
        const mutant = editedJson(raw, path, (parent, k) => {
          const entries = Object.entries(parent).map(([name, v]): [string, Json] => [name === k ? typo : name, v]);
          for (const name of Object.keys(parent)) delete parent[name];
          Object.assign(parent, Object.fromEntries(entries));
        });
        const what = `${file}: ${path.join('.')} spelt ${typo}`;
        const message = configError(stringify(mutant), file).message;
        const where = [...path.slice(0, -1), key].join('.');
        expect(message.includes(`"${typo}"`) || message.includes(where), `${what}\n${message}`).toBe(true);
      }
    }
  });

  it('refuses a value of the wrong type, naming its key', () => {
    const random = seededRandom(2);
    for (const { file, raw } of shipped) {
      const values = jsonEntries(raw).filter(({ path }) => !chosenNames([...path, 'value']) || typeof path[path.length - 1] === 'string');
      for (let n = 0; n < 6; n++) {
        const { path, value } = values[random.int(values.length)];
        const replaced = otherType(value, random);
        const mutant = editedJson(raw, path, (parent, k) => {
          parent[k] = replaced;
        });
        const message = configError(stringify(mutant), file).message;
        expect(names(message, path), `${file}: ${path.join('.')} = ${JSON.stringify(replaced)}\n${message}`).toBe(true);
      }
    }
  });

  it('refuses a number far too large where the schema bounds it, naming its key, and keeps it exactly where it does not', () => {
    const random = seededRandom(3);
    let refused = 0;
    for (const { file, raw } of shipped) {
      const numbers = jsonEntries(raw).filter(({ value }) => typeof value === 'number');
      for (let n = 0; n < Math.min(4, numbers.length); n++) {
        const { path } = numbers[random.int(numbers.length)];
        const huge = [1e300, 12345678901234567890, -1e300][random.int(3)];
        const mutant = editedJson(raw, path, (parent, k) => {
          parent[k] = huge;
        });
        const text = stringify(mutant);
        let config: ReturnType<typeof parseExperimentConfig>;
        try {
          config = parseExperimentConfig(text, file);
        } catch (err) {
          expect(err, `${file}: ${path.join('.')} = ${huge}`).toBeInstanceOf(ConfigError);
          expect(names((err as Error).message, path), `${file}: ${path.join('.')} = ${huge}\n${(err as Error).message}`).toBe(true);
          refused++;
          continue;
        }
        expect(jsonEntries(config as unknown as Json).some((e) => e.path.join('.') === path.join('.') && e.value === huge), `${file}: ${path.join('.')}`).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(20);
    // A simulated modality of mean or sd 1e308 drew scores of Infinity, found only once the run was scoring.
    const quickstart = shipped.find((c) => c.file.endsWith('quickstart.yaml'))!;
    for (const key of ['mean', 'sd'] as const) {
      const mutant = editedJson(quickstart.raw, ['dataset', 'modalities', 0, 'genuine', key], (parent, k) => {
        parent[k] = 1e308;
      });
      expect(configError(stringify(mutant), quickstart.file).message).toContain(`dataset.modalities.0.genuine.${key}: Too big: expected number to be <=1e+100`);
    }
  });

  it('refuses a key given twice, naming it and both lines', () => {
    const random = seededRandom(4);
    for (const { file, text } of shipped) {
      const lines = text.split('\n');
      const keyLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[A-Za-z][\w-]*:/.test(l));
      for (let n = 0; n < 3; n++) {
        const [line, at] = keyLines[random.int(keyLines.length)];
        const mutant = [...lines.slice(0, at + 1), line, ...lines.slice(at + 1)].join('\n');
        const key = /^\s*([A-Za-z][\w-]*):/.exec(line)?.[1] ?? '?';
        const message = configError(mutant, file).message;
        expect(message, `${file}: line ${at + 1} twice`).toMatch(new RegExp(`^${file}:${at + 2}: (\\S+\\.)?${key} is given twice \\(first on line ${at + 1}\\)$`));
      }
    }
    // Keys that YAML tells apart and the object read from it does not: one replaced the other, silently.
    expect(configError('seed: 1\ndataset: { loader: scores-csv, files: [a.csv], 1: x, "1": y }\n', 'x.yaml').message).toBe('x.yaml:2: dataset.1 is given twice (first on line 2)');
  });

  it('compares keys as the object a config becomes holds them: null keys, alias keys, and no key of text yaml makes up', () => {
    const config = 'seed: 1\ndataset: { loader: scores-csv, files: [a.csv] }\n';
    // `~`, `null` and an empty key all become the key "": one replaced the other, silently.
    expect(configError(`${config}~: 1\n"": 2\n`, 'x.yaml').message).toBe('x.yaml:4: "" (an empty or null key) is given twice (first on line 3)');
    expect(configError(`${config}? \n: 1\nnull: 2\n`, 'x.yaml').message).toBe('x.yaml:5: "" (an empty or null key) is given twice (first on line 3)');
    // `null` and "null" are two keys of the object ("" and "null"): neither is refused as the other's double.
    expect(configError(`${config}null: 1\n"null": 2\n`, 'x.yaml').message).toMatch(/^x\.yaml: invalid experiment config:\n {2}- \(top level\): Unrecognized keys: "", "null"$/);
    // An alias key is the key of the node it names: `*k` here is a second `seed`.
    expect(configError(`&k seed: 1\ndataset: { loader: scores-csv, files: [a.csv] }\n*k : 2\n`, 'x.yaml').message).toBe('x.yaml:3: seed is given twice (first on line 1)');
    expect(configError(`${config}metrics: { detMaxPoints: &n 100 }\nfusion: { *n : x, "100": y }\n`, 'x.yaml').message).toBe('x.yaml:4: fusion.100 is given twice (first on line 4)');
    expect(configError(`${config}a: &k __proto__\n*k : {}\n`, 'x.yaml').message).toBe('x.yaml:4: __proto__: "__proto__" is not a key a config may use');
    // yaml writes a list, a mapping, a date or binary data as a key of its own making: refused, not compared.
    const notAKey = /^x\.yaml:(\d+): (\(top level\)|metrics): a key must be text, a number, true\/false or null, not (.*)$/;
    expect(configError(`${config}? [a, b]\n: 1\n"[ a, b ]": 2\n`, 'x.yaml').message).toMatch(notAKey);
    expect(configError(`${config}metrics: { &m { a: 1 }: 1 }\n`, 'x.yaml').message).toMatch(notAKey);
    expect(configError(`${config}list: &l [1]\n*l : 2\n`, 'x.yaml').message).toBe('x.yaml:4: (top level): a key must be text, a number, true/false or null, not a list or a mapping (the alias *l)');
    expect(configError(`${config}? !!binary aGVsbG8=\n: 1\nhello: 2\n`, 'x.yaml').message).toBe('x.yaml:3: (top level): a key must be text, a number, true/false or null, not binary data');
    expect(configError(`%YAML 1.1\n---\n${config}2001-12-14: 1\n`, 'x.yaml').message).toBe('x.yaml:5: (top level): a key must be text, a number, true/false or null, not a date');
    // A YAML 1.1 merge key adds the keys it merges, not one of its own (a key written beside it wins, as YAML says).
    const merged = parseExperimentConfig(`%YAML 1.1\n---\nseed: 1\ndataset:\n  <<: { loader: score-matrix, root: b }\n  <<: { systems: { a: a.csv } }\n  root: a\n`, 'x.yaml');
    expect(merged.dataset).toEqual({ loader: 'score-matrix', root: 'a', systems: { a: 'a.csv' } });
  });

  it('reads a config rewritten with anchors and aliases as the same config, and refuses an alias bomb or an alias to nothing', () => {
    let rewritten = 0;
    for (const { file, text, hash } of shipped) {
      // The second of two equal values (mappings, lists or scalars: a root, a normaliser, a number) becomes an alias of the first.
      const doc = parseDocument(text);
      const collections: Node[] = [];
      const walk = (node: unknown) => {
        if (isScalar(node)) collections.push(node);
        if (isMap(node) || isSeq(node)) {
          collections.push(node);
          for (const item of node.items) walk(isMap(node) ? (item as { value: unknown }).value : item);
        }
      };
      walk(doc.contents);
      const json = (node: Node) => JSON.stringify(node.toJSON());
      const pair = collections.flatMap((a, i) => collections.slice(i + 1).filter((b) => json(a) === json(b)).map((b) => [a, b] as const))[0];
      if (!pair) continue;
      const [first, second] = pair;
      const alias = doc.createAlias(first as never, 'same');
      const replace = (node: unknown): unknown => {
        if (node === second) return alias;
        if (isMap(node)) for (const item of node.items) item.value = replace(item.value) as never;
        if (isSeq(node)) node.items = node.items.map(replace);
        return node;
      };
      doc.contents = replace(doc.contents) as never;
      const aliased = doc.toString();
      expect(aliased, file).toContain('*same');
      expect(configHash(parseExperimentConfig(aliased, file)), file).toBe(hash);
      rewritten++;
    }
    expect(rewritten).toBeGreaterThan(5);
    const [first] = shipped;
    const laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');
    // Refused by counting the aliases, not by expanding them: expanded, the last list holds 9^9 strings (a test that never ends).
    expect(configError(`${first.text}\n${laughs}\n`, first.file).message).toMatch(/not valid YAML: Excessive alias count indicates a resource exhaustion attack/);
    expect(configError('seed: 1\ndataset: *nowhere\n', first.file).message).toMatch(/not valid YAML: Unresolved alias .*: nowhere$/);
  });

  it('refuses empty files, garbage and other documents than a mapping, naming the file', () => {
    const random = seededRandom(5);
    const file = join(configsDir, 'mutant.yaml');
    const garbage = Buffer.from(randomBytes(random, 300)).toString('latin1');
    const cases: [string, RegExp][] = [
      ['', /dataset: Invalid input: expected object, received undefined/],
      ['   \n\n# nothing here\n', /dataset: Invalid input/],
      ['\0\0\0\0', /\(top level\): Invalid input: expected object, received string/],
      [garbage, /./],
      ['- a\n- list\n', /\(top level\): Invalid input: expected object, received array/],
      ['just a sentence', /\(top level\): Invalid input: expected object, received string/],
      ['dataset: { loader: pairs, root: x, pairs: p.txt }\npipeline: { modality: face, params: { __proto__: { flip: true } } }\n', /:2: pipeline\.params\.__proto__: "__proto__" is not a key a config may use/],
      ['seed: 1\n---\nseed: 2\n', /not valid YAML: Source contains multiple documents/],
    ];
    for (const [text, message] of cases) expect(configError(text, file).message, JSON.stringify(text.slice(0, 40))).toMatch(message);
  });

  it('checks the keys of a mapping in time linear in their number (the parser compared every pair of keys: 30,000 took 30 s)', () => {
    const mapping = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n');
    const small = mapping(5_000);
    const large = mapping(20_000);
    // The fastest of three runs of each size: a busy machine makes a run slower, never faster, so
    // the ratio of the fastest runs holds on a loaded CI machine where a time limit does not.
    const fastest = (text: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        expect(configError(text, 'many.yaml').message).toMatch(/Unrecognized keys: "k0", "k1"/);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    fastest(small); // warm up
    const ratio = fastest(large) / fastest(small);
    // Four times the keys: about four times the time where each key is checked once, sixteen where every pair is compared.
    expect(ratio).toBeLessThan(9);
  });
});
