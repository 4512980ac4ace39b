import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { GROUND_TRUTH_FILE, writeSyntheticFvcDataset } from '@biofuse/fingerprint';
import { synthesizeSignatures, writeSvc2004Folder } from '@biofuse/signature';
import {
  fvcProtocol,
  pairsToComparisons,
  readFvcFolder,
  readIdentityFolders,
  readLfwPairs,
  readPairsFile,
  readSvc2004Folder,
  scoreComparisons,
  svc2004Protocol,
  removedOnInterrupt,
  ConfigError,
  DatasetError,
  type DatasetSample,
  type ProtocolComparison,
  type SamplePair,
  type SkippedFile,
} from '@biofuse/core';
import type { ExperimentConfig, ModalitySourceConfig, SyntheticFingerprintsSourceConfig, SyntheticSignaturesSourceConfig } from '../config/schema';
import { dataFingerprint, listFilesRecursive, WORKSPACE_ROOT } from '../run/manifest';
import { createModality, resolvedParams, type ModalityRegistry } from '../modalities';
import type { ComparisonScores, GeneratedData } from './comparison-scores';

export interface ModalitySourceOptions {
  readonly dataRoot: string;
  readonly registry?: ModalityRegistry;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Samples of a dataset, compared under its protocol by the configured modality. */
export async function modalitySource(config: ExperimentConfig, opts: ModalitySourceOptions): Promise<ComparisonScores> {
  if (!config.pipeline) throw new Error('unreachable: config validation requires a pipeline');
  // Resolve the modality first: an unavailable one fails before any data is read.
  const modality = await createModality(config.pipeline.modality, config.pipeline.params, opts.registry);
  const { comparisons: selected, sampleRoot, skipped, dataFiles, generated, subjectOf } = await modalityListing(config, opts.dataRoot);
  const scored = await scoreComparisons(modality, selected, {
    root: sampleRoot,
    strict: config.strict,
    onProgress: opts.onProgress,
  });
  // After scoring: what the modality resolved while it worked (a face model's digest) is at hand.
  const params = await resolvedParams(modality, config.pipeline.params);
  return {
    probe: selected.map((c) => c.probe),
    reference: selected.map((c) => c.reference.join('+')),
    probeSubject: selected.map((c) => subjectOf(c.probe)),
    referenceSubject: selected.map((c) => subjectOf(c.reference[0])),
    label: Uint8Array.from(selected, (c) => (c.genuine ? 1 : 0)),
    kind: selected.map((c) => c.kind),
    systems: [{ name: config.pipeline.modality, scores: scored.scores, errors: scored.errors, ...(scored.quality ? { quality: scored.quality } : {}) }],
    skipped: [...skipped, ...scored.failures],
    dataFiles,
    ...(generated ? { generated: [generated] } : {}),
    pipelines: [{ system: config.pipeline.modality, modality: config.pipeline.modality, params }],
  };
}

/** What a run of a sample dataset compares and reads, before any sample is read. */
export interface ModalityListing {
  /** The protocol's comparisons of the kinds the config selects: those the run scores. */
  readonly comparisons: readonly ProtocolComparison[];
  /** Where sample paths are read from: a sample is the file resolve(sampleRoot, path). */
  readonly sampleRoot: string;
  readonly skipped: readonly SkippedFile[];
  /**
   * Every file the run reads, absolute, distinct and sorted: each sample of the comparisons
   * where scoring reads it (a path that leaves the root, or an absolute one, is the file it
   * names), a pairs file, and for a loader that lists a folder, every file in it and each entry
   * it skipped (they change the run's notes). Empty for a generated dataset (see `generated`).
   */
  readonly dataFiles: string[];
  /** The folder a synthetic dataset was generated into, and its content. */
  readonly generated?: GeneratedData;
  /** The identity a sample belongs to. */
  readonly subjectOf: (path: string) => string;
}

/**
 * The loader's listing step of a sample dataset, without scoring: the comparisons the run makes
 * and the files it reads. The run scores exactly these comparisons, and the Nx cache key hashes
 * exactly these files (experimentDataFiles), so the two cannot disagree about the data. A
 * synthetic dataset is generated here (the cache key needs no listing of it: the config and the
 * generator's code are its data).
 */
export async function modalityListing(config: ExperimentConfig, dataRoot: string): Promise<ModalityListing> {
  const cfg = config.dataset as ModalitySourceConfig | SyntheticSignaturesSourceConfig | SyntheticFingerprintsSourceConfig;
  const listed = await protocolComparisons(config, cfg, dataRoot);
  const kinds = config.protocol.kinds;
  const comparisons = kinds ? listed.comparisons.filter((c) => kinds.includes(c.kind)) : listed.comparisons;
  const { sampleRoot, skipped, subjectOf, generated } = listed;
  if (generated) return { comparisons, sampleRoot, skipped, dataFiles: [], generated, subjectOf };
  const files = [...listed.listFiles, ...distinctSamples(comparisons).map((p) => resolve(sampleRoot, p))];
  if (listed.scannedFolder !== undefined) {
    const folder = listed.scannedFolder;
    files.push(...(await listFilesRecursive(folder)), ...skipped.map((s) => resolve(folder, s.path)));
  }
  return { comparisons, sampleRoot, skipped, dataFiles: [...new Set(files.map((f) => resolve(f)))].sort(), subjectOf };
}

/** The comparisons of a dataset's protocol and what the listing read to make them. */
interface ProtocolListing {
  readonly comparisons: ProtocolComparison[];
  readonly sampleRoot: string;
  readonly skipped: readonly SkippedFile[];
  readonly subjectOf: (path: string) => string;
  /** List files read whole (a pairs file). */
  readonly listFiles: readonly string[];
  /** The folder the loader lists, whose files and skipped entries change the run's notes. */
  readonly scannedFolder?: string;
  readonly generated?: GeneratedData;
}

async function protocolComparisons(
  config: ExperimentConfig,
  cfg: ModalitySourceConfig | SyntheticSignaturesSourceConfig | SyntheticFingerprintsSourceConfig,
  dataRoot: string,
): Promise<ProtocolListing> {
  if (cfg.loader === 'synthetic-signatures') {
    const generated = await syntheticSignatureFolder(cfg.users, config.seed);
    return { ...(await svc2004Comparisons(config, generated.folder)), generated };
  }
  if (cfg.loader === 'synthetic-fingerprints') {
    const generated = await cachedSyntheticFolder(`synthetic-fingerprints/fingers${cfg.fingers}-impressions${cfg.impressions}-seed${config.seed}`, 'fingerprint', (dir) =>
      writeSyntheticFvcDataset(dir, { fingers: cfg.fingers, impressions: cfg.impressions, seed: config.seed }),
    );
    const root = generated.folder;
    const l = await readFvcFolder(root);
    // The generator's own record of how it made the prints is not a sample.
    const skipped = l.skipped.filter((s) => s.path !== GROUND_TRUTH_FILE);
    return { comparisons: fvcProtocol(l.samples), sampleRoot: root, skipped, subjectOf: subjectLookup(l.samples), listFiles: [], generated };
  }
  const root = join(dataRoot, cfg.root);
  switch (cfg.loader) {
    case 'fvc': {
      const l = await readFvcFolder(root);
      const comparisons = fvcProtocol(l.samples);
      if (!cfg.probeFolder) {
        return { comparisons, sampleRoot: root, skipped: l.skipped, subjectOf: subjectLookup(l.samples), listFiles: [], scannedFolder: root };
      }
      // Probes from a parallel folder (say another vendor's templates of the same impressions).
      const folder = cfg.probeFolder;
      const probeOf = (path: string) => join(folder, path.replace(/\.[^.]+$/, cfg.probeExtension ?? extname(path)));
      const probes = l.samples.map((s) => ({ path: probeOf(s.path), subject: s.subject }));
      return {
        comparisons: comparisons.map((c) => ({ ...c, probe: probeOf(c.probe) })),
        sampleRoot: root,
        skipped: l.skipped,
        subjectOf: subjectLookup([...l.samples, ...probes]),
        listFiles: [],
        scannedFolder: root,
      };
    }
    case 'identity-folders': {
      const l = await readIdentityFolders(root);
      return { comparisons: fvcProtocol(l.samples), sampleRoot: root, skipped: l.skipped, subjectOf: subjectLookup(l.samples), listFiles: [], scannedFolder: root };
    }
    case 'svc2004':
      return { ...(await svc2004Comparisons(config, root)), scannedFolder: root };
    case 'lfw': {
      const pairsFile = join(root, cfg.pairs ?? 'pairs.txt');
      const all = await readLfwPairs(pairsFile);
      const folds = cfg.folds;
      if (folds) checkLfwFolds(folds, all, pairsFile);
      const comparisons = all.filter((c) => !folds || folds.includes(c.fold ?? -1));
      const images = join(root, cfg.images ?? 'images');
      return { comparisons, sampleRoot: images, skipped: [], subjectOf: firstFolder, listFiles: [pairsFile] };
    }
    case 'pairs': {
      const pairsFile = join(root, cfg.pairs ?? 'pairs.tsv');
      const pairs = await readPairsFile(pairsFile);
      const comparisons = pairsToComparisons(pairs);
      const subjectOf = pairSubjects(pairs, cfg.subjectFolder ?? 1, pairsFile);
      return { comparisons, sampleRoot: root, skipped: [], subjectOf, listFiles: [pairsFile] };
    }
  }
}

function distinctSamples(comparisons: readonly ProtocolComparison[]): string[] {
  const s = new Set<string>();
  for (const c of comparisons) {
    for (const r of c.reference) s.add(r);
    s.add(c.probe);
  }
  return [...s];
}

async function svc2004Comparisons(config: ExperimentConfig, root: string): Promise<ProtocolListing> {
  const l = await readSvc2004Folder(root);
  const comparisons = svc2004Protocol(l.samples, {
    seed: config.seed,
    trials: config.protocol.trials,
    enrolment: config.protocol.enrolment,
    randomForgeries: config.protocol.randomForgeries,
    folder: root,
  });
  return { comparisons, sampleRoot: root, skipped: l.skipped, subjectOf: subjectLookup(l.samples), listFiles: [] };
}

/** Generates the synthetic signature set once per (users, seed) and reuses it after. */
function syntheticSignatureFolder(users: number, seed: number): Promise<GeneratedData> {
  return cachedSyntheticFolder(`synthetic-signatures/users${users}-seed${seed}`, 'signature', (dir) => writeSvc2004Folder(dir, synthesizeSignatures({ seed, users })));
}

/**
 * A generated dataset in results/.cache/<name>-code<hash>, written once and reused while the
 * generator's code is the same: the hash covers the sources of the package that generates it
 * and of core (its random numbers), so a changed generator never serves data made by the old
 * one. Folders of other code are removed whenever the folder is asked for. Gives the folder and
 * the fingerprint of its files, which the run's manifest records.
 */
async function cachedSyntheticFolder(name: string, generator: 'fingerprint' | 'signature', write: (dir: string) => Promise<unknown>): Promise<GeneratedData> {
  const code = await generatorCodeHash(generator);
  const dir = join(WORKSPACE_ROOT, 'results', '.cache', `${name}-code${code}`);
  await removeOtherVersions(dir, name);
  // The folder is reused only while its files are the ones written: an edited or damaged
  // print in the cache changed a run's EER with the same config, code and manifest.
  const record = `${dir}.sha256`;
  if (existsSync(dir)) {
    const found = await folderFingerprint(dir);
    if (existsSync(record) && (await readFile(record, 'utf8')).trim() === found.sha256) return { folder: dir, ...found };
    await rm(dir, { recursive: true, force: true });
  }
  // Write beside it and rename, so a run that reads the folder never sees it half-written.
  const partial = `${dir}.partial-${process.pid}`;
  const release = removedOnInterrupt(partial);
  let written: Awaited<ReturnType<typeof folderFingerprint>>;
  try {
    await write(partial);
    written = await folderFingerprint(partial);
    // The record first: a run that finds the folder finds its record too.
    await writeFile(record, `${written.sha256}\n`);
    try {
      await rename(partial, dir);
    } catch (err) {
      if (!existsSync(dir)) throw err;
      await rm(partial, { recursive: true, force: true }); // another run finished first
    }
  } finally {
    release();
  }
  return { folder: dir, ...written };
}

/** A folder's files and their fingerprint, paths relative to the folder (so a renamed folder keeps its hash). */
async function folderFingerprint(dir: string): Promise<{ files: number; bytes: number; sha256: string }> {
  return dataFingerprint(await listFilesRecursive(dir), dir);
}

function subjectLookup(samples: readonly DatasetSample[]): (path: string) => string {
  const map = new Map(samples.map((s) => [s.path, s.subject]));
  return (path) => map.get(path) ?? path;
}

/** LFW's layout, `<Name>/<Name>_<NNNN>.jpg`: the first folder of a path is the person. */
function firstFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(0, slash) : path;
}

/** Folds of `dataset.folds` that the pairs file has: a fold beyond its header's count silently selected nothing. */
function checkLfwFolds(folds: readonly number[], comparisons: readonly ProtocolComparison[], pairsFile: string): void {
  let count = 0;
  for (const c of comparisons) count = Math.max(count, c.fold ?? 0);
  const missing = folds.filter((f) => f > count);
  if (missing.length > 0) throw new ConfigError(`dataset.folds: ${missing.join(', ')} ${missing.length === 1 ? 'is not a fold' : 'are not folds'} of ${pairsFile}, which has folds 1-${count}`);
}

/**
 * A pairs file names no subjects, so the folder `level` of each sample's path stands for its
 * subject (1: `<subject>/<file>`). The file's own labels check that choice: a genuine pair of two
 * subjects or an impostor pair of one means the folder is not the subject (`images/<person>/x`
 * gave every sample the subject "images", and a silently missing EER interval). A path without
 * that folder has no subject to give and is refused.
 */
function pairSubjects(pairs: readonly SamplePair[], level: number, pairsFile: string): (path: string) => string {
  const subjectOf = (path: string, at: SamplePair): string => {
    const parts = path.split('/');
    if (parts.length <= level) {
      throw new DatasetError(`sample "${path}" has no folder ${level} to name its subject (dataset.subjectFolder: ${level}); the pairs loader takes subjects from folders`, pairsFile, at.source?.line);
    }
    return parts[level - 1];
  };
  let wrong: { pair: SamplePair; a: string; b: string } | undefined;
  let count = 0;
  for (const p of pairs) {
    const a = subjectOf(p.a, p);
    const b = subjectOf(p.b, p);
    if (p.genuine !== undefined && p.genuine !== (a === b)) {
      count++;
      wrong ??= { pair: p, a, b };
    }
  }
  if (wrong) {
    const { pair, a, b } = wrong;
    const what = pair.genuine ? `a genuine pair of two subjects, "${a}" and "${b}"` : `an impostor pair of one subject, "${a}"`;
    throw new DatasetError(
      `${what}, taking folder ${level} of each path as the subject (${count} of ${pairs.length} pairs disagree with their labels); set dataset.subjectFolder to the folder that names the subject`,
      pairsFile,
      pair.source?.line,
    );
  }
  return (path) => path.split('/')[level - 1];
}

/** Code does not change while a process runs: each generator's sources are hashed once. */
const codeHashes = new Map<string, Promise<string>>();

function generatorCodeHash(generator: 'fingerprint' | 'signature'): Promise<string> {
  let hash = codeHashes.get(generator);
  if (!hash) {
    hash = (async () => {
      const sources: string[] = [];
      for (const pkg of [generator, 'core']) {
        const files = await listFilesRecursive(join(WORKSPACE_ROOT, 'packages', pkg, 'src'));
        sources.push(...files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')));
      }
      return (await dataFingerprint(sources, WORKSPACE_ROOT)).sha256.slice(0, 12);
    })();
    codeHashes.set(generator, hash);
  }
  return hash;
}

/** Removes results/.cache/<name>-code<other hash> folders (never the one about to be written). */
async function removeOtherVersions(dir: string, name: string): Promise<void> {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `${basename(name)}-code`;
  for (const entry of await readdir(parent)) {
    const path = join(parent, entry);
    if (entry.startsWith(prefix) && path !== dir && path !== `${dir}.sha256` && !entry.includes('.partial-')) await rm(path, { recursive: true, force: true });
  }
}
