import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { ConfigError, readTextFile } from '@biofuse/core';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, Scalar, YAMLParseError, type Document } from 'yaml';
import type { z } from 'zod';
import { fusionProblems, isScoreLoader } from './fusion-rules';
import { pipelineParamsProblem } from './pipeline-params';
import { withSortedKeys } from '../run/json';
import { experimentConfigSchema, type ChimericSourceConfig, type ExperimentConfig } from './schema';

/** Reads, parses and validates an experiment YAML file; every problem is a ConfigError naming the file. */
export async function loadExperimentConfig(path: string): Promise<ExperimentConfig> {
  // A config that is not there is a missing file (a data error); one that says the wrong thing is a ConfigError.
  const text = await readTextFile(path, (reason) => `cannot read config (${reason})`);
  return parseExperimentConfig(text, path);
}

export function parseExperimentConfig(text: string, path: string): ExperimentConfig {
  let raw: unknown;
  try {
    // Keys are checked here, not by the parser's uniqueKeys: it compares every pair of keys of a
    // mapping (50,000 keys took a minute), names no key, and let `1` and `"1"` both through,
    // one silently replacing the other.
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
    for (const warning of doc.warnings) process.emitWarning(warning);
    if (doc.errors.length > 0) throw doc.errors[0];
    checkKeys(doc, (node) => lineCounter.linePos(node.range?.[0] ?? 0).line, path);
    raw = doc.toJS();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const where = err instanceof YAMLParseError && err.linePos ? `:${err.linePos[0].line}` : '';
    // The parser's first line ends "at line L, column C:" before a source excerpt it leaves out here; the line is in `where`.
    throw new ConfigError(`${path}${where}: not valid YAML: ${(err as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return parseExperimentConfigObject(raw ?? {}, path);
}

/**
 * Refuses a mapping that gives a key twice as the object it becomes holds it, and the key
 * `__proto__` (left out of the object validated, and so ignored without a word), naming the key's
 * place and line. Keys are compared as toJS() writes them into that object (see objectKey):
 * `1`, `1.0`, `0x1` and "1" are one key, and so are `~`, `null`, an empty key and "". Values
 * that are aliases are checked where their anchor is; keys that are aliases are the key of the
 * node they name, the last anchored under that name before them, as yaml resolves them.
 */
function checkKeys(doc: Document.Parsed, lineOf: (node: { range?: readonly number[] | null }) => number, path: string): void {
  const merges = doc.schema.tags.some((tag) => tag.tag === MERGE_TAG && tag.default);
  // Anchored nodes by name, in document order (a node before what it holds, a key before its value), as yaml's visit() walks them.
  const anchored = new Map<string, unknown>();
  const anchor = (node: unknown) => {
    if (isNode(node) && !isAlias(node) && node.anchor) anchored.set(node.anchor, node);
  };
  const walk = (node: unknown, at: string): void => {
    anchor(node);
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, `${at}${i}.`));
    if (!isMap(node)) return;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      anchor(pair.key);
      const line = lineOf((pair.key ?? pair.value ?? node) as { range?: readonly number[] | null });
      const key = objectKey(pair.key, anchored, merges);
      if (typeof key !== 'string') {
        if ('refused' in key) throw new ConfigError(`${path}:${line}: ${at === '' ? '(top level)' : at.slice(0, -1)}: a key must be text, a number, true/false or null, not ${key.refused}`);
        // A merge key adds no key of its own; an alias to nothing fails in toJS() as YAML that is not valid.
        walk(pair.value, at);
        continue;
      }
      const shown = key === '' ? '"" (an empty or null key)' : key;
      const first = seen.get(key);
      if (first !== undefined) throw new ConfigError(`${path}:${line}: ${at}${shown} is given twice (first on line ${first})`);
      if (key === '__proto__') throw new ConfigError(`${path}:${line}: ${at}${key}: "__proto__" is not a key a config may use`);
      seen.set(key, line);
      walk(pair.value, `${at}${key}.`);
    }
  };
  walk(doc.contents, '');
}

/** The tag of YAML 1.1's merge key `<<` (in a document that says `%YAML 1.1`). */
const MERGE_TAG = 'tag:yaml.org,2002:merge';

/**
 * The key toJS() gives a mapping's pair in the object it makes (yaml's addPairToJSMap): null
 * becomes "", a number, boolean or text its String(); an alias is the value of the node it names.
 * Nothing for a merge key, which adds no key of its own, or an alias to no anchor (toJS() fails on
 * it). Refused: keys that toJS() writes as text of its own making (a list or mapping as flow YAML,
 * a date, binary data), which no config means as a key.
 */
function objectKey(key: unknown, anchored: ReadonlyMap<string, unknown>, merges: boolean): string | { skip: true } | { refused: string } {
  if (merges && isScalar(key) && (!key.type || key.type === Scalar.PLAIN) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'))) return { skip: true };
  const node = isAlias(key) ? anchored.get(key.source) : key;
  if (isAlias(key) && node === undefined) return { skip: true };
  const alias = isAlias(key) ? ` (the alias *${key.source})` : '';
  if (node === null || node === undefined) return '';
  if (!isScalar(node)) return { refused: `a list or a mapping${alias}` };
  const value: unknown = node.value;
  if (value === null) return '';
  if (typeof value === 'bigint') return String(Number(value));
  if (typeof value === 'object') return { refused: `${value instanceof Date ? 'a date' : value instanceof Uint8Array ? 'binary data' : 'an object'}${alias}` };
  return String(value as string | number | boolean | symbol | undefined);
}

/** Validates an already-parsed config object (from YAML, or built by a command); `source` names it in errors. */
export function parseExperimentConfigObject(raw: unknown, source: string): ExperimentConfig {
  const path = source;
  const result = experimentConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${path}: invalid experiment config:\n${formatIssues(result.error.issues)}`);
  const config = result.data;
  const id = config.id ?? basename(path, extname(path));
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new ConfigError(`${path}: the file name gives the id "${id}"; name the file in lower case with dashes or set "id"`);
  }
  checkCrossFieldRules({ ...config, id }, path);
  return { ...config, id };
}

/** sha256 of the validated config in canonical (sorted-key) JSON: the same experiment, the same hash. */
export function configHash(config: ExperimentConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(withSortedKeys(value));
}

/** Scores a simulated dataset may hold (subjects x comparisons x modalities): a run keeps them all in memory. */
const MAX_SIMULATED_SCORES = 50_000_000;

function checkCrossFieldRules(config: ExperimentConfig, path: string): void {
  const d = config.dataset;
  const problems: string[] = [];
  if (d.loader === 'chimeric') {
    if (config.pipeline) problems.push('pipeline: a chimeric dataset names a pipeline per source');
    const names = d.sources.map((s) => s.name);
    if (new Set(names).size !== names.length) problems.push('dataset.sources: names must be unique');
    for (const s of d.sources) checkCrossFieldRules(chimericSourceConfig(config, s), `${path} (source ${s.name})`);
  } else if (isScoreLoader(d.loader)) {
    if (config.pipeline) problems.push(`pipeline: a ${d.loader} dataset already holds scores; remove "pipeline"`);
  } else if (!config.pipeline) {
    problems.push(`pipeline: a ${d.loader} dataset needs a pipeline naming the modality that compares its samples`);
  }
  if (d.loader === 'score-matrix' && Object.keys(d.systems).length === 0) problems.push('dataset.systems: name at least one score matrix');
  if (d.loader === 'synthetic-signatures' && config.pipeline && config.pipeline.modality !== 'signature') {
    problems.push('pipeline.modality: synthetic signatures are compared by the signature modality');
  }
  if (d.loader === 'synthetic-fingerprints' && config.pipeline && config.pipeline.modality !== 'fingerprint') {
    problems.push('pipeline.modality: synthetic fingerprints are compared by the fingerprint modality');
  }
  if ('probeFolder' in d && (d.probeFolder !== undefined || d.probeExtension !== undefined) && d.loader !== 'fvc') {
    problems.push('dataset.probeFolder / probeExtension: only the fvc loader takes probes from another folder');
  }
  // Without a probe folder the extension was accepted and ignored.
  if (d.loader === 'fvc' && d.probeExtension !== undefined && d.probeFolder === undefined) problems.push('dataset.probeExtension: names the extension of the probes in probeFolder; set probeFolder too');
  if ('subjectFolder' in d && d.subjectFolder !== undefined && d.loader !== 'pairs') problems.push(`dataset.subjectFolder: only the pairs loader takes subjects from a folder of the path (${d.loader} knows its subjects)`);
  if (d.loader === 'lfw' && d.folds && new Set(d.folds).size !== d.folds.length) problems.push(`dataset.folds: a fold is named twice (${d.folds.join(', ')})`);
  if (config.pipeline) {
    const problem = pipelineParamsProblem(config.pipeline);
    if (problem) problems.push(problem);
  }
  if ((d.loader === 'pairs' || d.loader === 'lfw') && !d.pairs) problems.push(`dataset.pairs: the ${d.loader} loader needs a pairs file`);
  // Keys only some loaders read: elsewhere they would be accepted and ignored.
  if ('pairs' in d && d.pairs !== undefined && d.loader !== 'pairs' && d.loader !== 'lfw') problems.push(`dataset.pairs: the ${d.loader} loader reads no pairs file (pairs and lfw do)`);
  for (const key of ['images', 'folds'] as const) {
    if (key in d && (d as Partial<Record<typeof key, unknown>>)[key] !== undefined && d.loader !== 'lfw') problems.push(`dataset.${key}: only the lfw loader has ${key}`);
  }
  // A protocol setting the loader would not read is refused, not silently ignored.
  const p = config.protocol;
  const svc2004 = d.loader === 'svc2004' || d.loader === 'synthetic-signatures';
  for (const key of ['trials', 'enrolment', 'randomForgeries'] as const) {
    if (p[key] !== undefined && !svc2004) problems.push(`protocol.${key}: only the SVC2004 protocol (svc2004, synthetic-signatures) has ${key}`);
  }
  if (p.kinds !== undefined) {
    const scoresOnly = isScoreLoader(d.loader) || d.loader === 'chimeric';
    if (scoresOnly) problems.push(`protocol.kinds: a ${d.loader} dataset has no comparison kinds to choose from${d.loader === 'chimeric' ? ' (give each source its own protocol)' : ''}`);
    const known = svc2004 ? ['genuine', 'skilled', 'random'] : ['genuine', 'impostor'];
    const unknown = p.kinds.filter((k) => !known.includes(k));
    if (!scoresOnly && unknown.length > 0) problems.push(`protocol.kinds: ${unknown.join(', ')} is not a comparison kind of the ${d.loader} protocol (${known.join(', ')})`);
    // [genuine, genuine] passed a count of two and then failed after scoring, with no impostor to measure against.
    if (!scoresOnly && (!p.kinds.includes('genuine') || !p.kinds.some((k) => k !== 'genuine'))) problems.push('protocol.kinds: keep genuine comparisons and at least one impostor kind, or there is nothing to measure');
    if (new Set(p.kinds).size !== p.kinds.length) problems.push(`protocol.kinds: a kind is named twice (${p.kinds.join(', ')})`);
  }
  if (svc2004 && p.enrolment !== undefined && p.enrolment > 10) problems.push(`protocol.enrolment: SVC2004 enrols from the first 10 genuine signatures of a user, not ${p.enrolment}`);
  // Random forgeries are other users' signatures: asking for more than there are was silently capped (svc2004 folders are counted when read).
  if (d.loader === 'synthetic-signatures' && p.randomForgeries !== undefined && p.randomForgeries > d.users - 1) {
    problems.push(`protocol.randomForgeries: ${p.randomForgeries} random forgeries for each of ${d.users} users, who have ${d.users - 1} others each`);
  }
  if (d.loader === 'simulated-scores') {
    const m = d.modalities.length;
    for (const key of ['genuineCorrelation', 'impostorCorrelation'] as const) {
      const r = d[key];
      if (r && (r.length !== m || r.some((row) => row.length !== m))) problems.push(`dataset.${key}: must be ${m} x ${m}, one row per modality`);
    }
    const names = new Set(d.modalities.map((x) => x.name));
    if (names.size !== m) problems.push('dataset.modalities: names must be unique');
    // Each subject's impostors are other subjects: asking for more was silently capped.
    if (d.impostorsPerSubject > d.subjects - 1) problems.push(`dataset.impostorsPerSubject: ${d.impostorsPerSubject} impostors for each of ${d.subjects} subjects, who have ${d.subjects - 1} others each`);
    const rows = d.subjects * ((d.genuinePerSubject ?? 1) + Math.min(d.impostorsPerSubject, d.subjects - 1)) * m;
    if (rows > MAX_SIMULATED_SCORES) problems.push(`dataset: ${rows.toExponential(2)} simulated scores is more than the ${MAX_SIMULATED_SCORES.toExponential(0)} one run holds in memory`);
  }
  if (config.strict && isScoreLoader(d.loader)) {
    problems.push(`strict: a ${d.loader} dataset holds scores, not samples that could fail to acquire; remove "strict"`);
  }
  if (config.fusion) problems.push(...fusionProblems(config, config.fusion));
  if (problems.length > 0) throw new ConfigError(`${path}: invalid experiment config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `  - ${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('\n');
}

/** The single-modality experiment that one source of a chimeric dataset stands for. */
export function chimericSourceConfig(config: ExperimentConfig, source: ChimericSourceConfig['sources'][number]): ExperimentConfig {
  return { ...config, id: `${config.id}-${source.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, dataset: source.dataset, pipeline: source.pipeline, protocol: source.protocol, fusion: undefined };
}
