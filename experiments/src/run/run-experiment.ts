import { existsSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { ConfigError, DatasetError, errorNaming, removedOnInterrupt } from '@biofuse/core';
import { faceModelFiles, parseFaceParams } from '@biofuse/face';
import { join, relative, resolve } from 'node:path';
import { chimericSourceConfig, configHash, loadExperimentConfig } from '../config/load-config';
import type { ExperimentConfig } from '../config/schema';
import type { ModalityRegistry } from '../modalities';
import { detFigureSvg } from '../report/det-figure';
import { detPageHtml } from '../report/det-page';
import { evaluationSummary } from '../report/evaluation-summary';
import { buildChimeric, type ChimericAssignment } from '../sources/chimeric';
import type { ComparisonScores, SimulatedData } from '../sources/comparison-scores';
import { modalityListing, modalitySource } from '../sources/modality-source';
import { scoreMatrixFiles, scoreMatrixSource } from '../sources/score-matrix-source';
import { scoresCsvFiles, scoresCsvSource } from '../sources/scores-csv-source';
import { simulatedSource } from '../sources/simulated-source';
import { evaluateSystems, type Evaluation } from './evaluate';
import { fuseSystems } from './fuse-systems';
import { identificationSummaries, type IdentificationSummary } from './identification';
import { resultsJson } from './json';
import { dataFingerprint, provenance, WORKSPACE_ROOT } from './manifest';
import { makeFolder, makeNewFolders, pngFromSvg, type NewFolders } from '@biofuse/core';
import { writeScoresCsv } from './scores-csv';

export interface RunOptions {
  /** Folder that dataset roots in configs are relative to. */
  readonly dataRoot: string;
  /** Runs go to `<resultsRoot>/<config id>/<run id>/` (default: results/ in the repository). */
  readonly resultsRoot?: string;
  readonly registry?: ModalityRegistry;
  readonly onProgress?: (done: number, total: number) => void;
  /** The clock, for the run id and the manifest's timestamps. */
  readonly now?: () => Date;
}

export interface RunResult {
  readonly config: ExperimentConfig;
  readonly runDir: string;
  readonly detPage: string;
  readonly evaluations: readonly Evaluation[];
  /** Closed-set identification per system, when asked for and the comparisons form a full matrix. */
  readonly identification?: readonly IdentificationSummary[];
  readonly skipped: number;
  /** What a reader of the results must know (protocol restrictions, skipped files). */
  readonly notes: readonly string[];
}

/** Runs an experiment config end to end and writes its results folder. */
export async function runExperimentFile(configPath: string, opts: RunOptions): Promise<RunResult> {
  const config = await loadExperimentConfig(configPath);
  return runExperiment(config, { ...opts, configPath });
}

export async function runExperiment(config: ExperimentConfig, opts: RunOptions & { configPath?: string }): Promise<RunResult> {
  const resultsRoot = resolve(opts.resultsRoot ?? join(WORKSPACE_ROOT, 'results'));
  const experimentDir = join(resultsRoot, config.id);
  // A run that fails or is interrupted (Ctrl-C) leaves no run folder: nor an empty results/<id>/,
  // or results/ itself, that it made (only if empty: another run of the same config may write its
  // own run folder there meanwhile). A results folder that cannot be made fails here, before any
  // work, as a data error naming it.
  let folders: NewFolders | undefined;
  try {
    folders = await makeNewFolders(experimentDir, 'results folder');
    const result = await runInto(experimentDir, config, opts);
    folders.keep();
    return result;
  } catch (err) {
    folders?.undo();
    // A mistake found only once the data is read (weights that do not fit a scores-csv file's
    // systems, a fold the pairs file lacks) is still the config's: say which config.
    const source = opts.configPath ?? `config ${config.id}`;
    throw err instanceof ConfigError ? errorNaming(source, err) : err;
  }
}

async function runInto(experimentDir: string, config: ExperimentConfig, opts: RunOptions & { configPath?: string }): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = performance.now();
  // The code, lockfile and machine as the run starts: what ran, whatever moves while it runs.
  const origin = await provenance();
  const tProvenance = performance.now();
  const { data: loaded, chimeric } = await loadWithAssignment(config, opts);
  const tLoaded = performance.now();
  const fusion = config.fusion ? fuseSystems(loaded, config.fusion, config.seed) : undefined;
  const data = fusion?.data ?? loaded;
  const t1 = performance.now();
  const { evaluations, notes: evaluationNotes } = evaluateSystems(data, config.metrics, config.seed);
  const identification = config.metrics.identificationMaxRank > 0 ? identificationSummaries(data, config.metrics.identificationMaxRank) : undefined;
  const t2 = performance.now();
  // What a reader of the results must know, in the metrics, on the DET page and on the terminal.
  const notes = [
    ...(fusion?.notes ?? []),
    ...(config.metrics.identificationMaxRank > 0 && !identification ? ['Identification was asked for, but the probes were not all compared with one gallery: no CMC.'] : []),
    ...(data.skipped.length > 0 ? [`${data.skipped.length} file(s) could not be used; see manifest.json.`] : []),
    ...evaluationNotes,
  ];

  const hash = configHash(config);
  const runId = await reserveRunId(experimentDir, `${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${hash.slice(0, 8)}`);
  const finalDir = join(experimentDir, runId);
  const claim = claimOf(experimentDir, runId);
  // Written beside its final name and renamed onto it when complete: a run that fails half-way
  // leaves no half-written run folder.
  const runDir = `${finalDir}.partial-${process.pid}`;
  const releaseRunDir = removedOnInterrupt(runDir);
  const releaseClaim = removedOnInterrupt(claim);
  try {
    await makeFolder(runDir, 'results folder');

    await writeScoresCsv(join(runDir, 'scores.csv'), data);
    const metrics = {
      experiment: config.id,
      configHash: hash,
      evaluations: evaluations.map((e) => {
        const { name, ...summary } = evaluationSummary(e);
        return { name, system: e.system, impostorKind: e.impostorKind ?? null, ...summary };
      }),
      skippedFiles: data.skipped.length,
      ...(identification ? { identification } : {}),
      notes,
    };
    await writeFile(join(runDir, 'metrics.json'), resultsJson(metrics));
    await writeFile(
      join(runDir, 'det.json'),
      resultsJson({ experiment: config.id, evaluations: evaluations.map((e) => ({ name: e.name, eer: e.report.eer.value, det: e.report.det })) }),
    );
    const title = config.description ? `${config.id}: ${config.description}` : config.id;
    if (fusion) await writeFile(join(runDir, 'fusion.json'), resultsJson({ experiment: config.id, folds: config.fusion?.folds, seed: config.seed, subjects: fusion.subjects, methods: fusion.models }));
    await writeFile(join(runDir, 'det.html'), detPageHtml(title, evaluations, notes));
    // The same plot as a static figure: vector, and rendered at twice its size for print.
    const figure = detFigureSvg(title, evaluations);
    await writeFile(join(runDir, 'det.svg'), figure);
    await writeFile(join(runDir, 'det.png'), await pngFromSvg(figure, 2));
    const t3 = performance.now();

    const manifest = {
      experiment: config.id,
      runId,
      configPath: opts.configPath ?? null,
      config,
      configHash: hash,
      seeds: { seed: config.seed },
      startedAt: started.toISOString(),
      finishedAt: now().toISOString(),
      // Reading the git state and the installed tree, loading (and scoring) the data, then
      // fusion's cross-validation, each apart: fusion took 98 s of a "load" of 0.1 s.
      timingsMs: { provenance: tProvenance - t0, load: tLoaded - tProvenance, fuse: t1 - tLoaded, metrics: t2 - t1, write: t3 - t2, total: t3 - t0 },
      data: await dataRecord(data, opts.dataRoot),
      models: await modelFingerprint(config),
      // The parameters each modality ran with, defaults filled in: `params: {}` in the config
      // says nothing of defaults that live in code.
      pipelines: loaded.pipelines ?? [],
      skipped: data.skipped,
      ...(chimeric ? { chimericAssignment: chimeric } : {}),
      ...origin,
    };
    await writeFile(join(runDir, 'manifest.json'), resultsJson(manifest));
    await rename(runDir, finalDir);
    await writeFile(join(experimentDir, 'latest'), `${runId}\n`);
  } catch (err) {
    await rm(runDir, { recursive: true, force: true });
    throw err;
  } finally {
    releaseRunDir();
    await rmdir(claim).catch(() => undefined);
    releaseClaim();
  }
  return { config, runDir: finalDir, detPage: join(finalDir, 'det.html'), evaluations, identification, skipped: data.skipped.length, notes };
}

/** A generated dataset as the manifest names it: GeneratedData with its folder relative to the workspace. */
export interface GeneratedDataRecord {
  readonly folder: string;
  readonly files: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** The data files a run read under its data root, and their content fingerprint (dataFingerprint). */
export interface DataRootRecord {
  readonly root: string;
  readonly files: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** The data a run made rather than read, beside or without files under the data root. */
interface MadeDataRecord {
  readonly generated?: readonly GeneratedDataRecord[];
  readonly simulated?: readonly SimulatedData[];
}

/**
 * What the manifest says of the data a run read: files under the data root (a dataset on disk),
 * one generated dataset alone, or the parts a run had, each where it had it: files under the data
 * root, generated datasets (a chimeric run of two synthetic sources) and simulated scores, which
 * read nothing.
 */
export type DataRecord = DataRootRecord | GeneratedDataRecord | MadeDataRecord | (DataRootRecord & MadeDataRecord);

/**
 * The data root with the fingerprint of the files read under it (the list the Nx cache key
 * hashes); each generated dataset's folder, relative to the workspace, with the fingerprint the
 * cache of generated data checks it by; and each simulation's seed and settings. A run that read
 * no data file names no data root: it read nothing under it (a simulated run recorded a root it
 * never read and the fingerprint of no files, as two synthetic sources did).
 */
export async function dataRecord(data: Pick<ComparisonScores, 'dataFiles' | 'generated' | 'simulated'>, dataRoot: string): Promise<DataRecord> {
  const generated = (data.generated ?? []).map(({ folder, ...fingerprint }): GeneratedDataRecord => ({ folder: relative(WORKSPACE_ROOT, folder), ...fingerprint }));
  const simulated = data.simulated ?? [];
  const made: MadeDataRecord = { ...(generated.length > 0 ? { generated } : {}), ...(simulated.length > 0 ? { simulated } : {}) };
  const readNothing = data.dataFiles.length === 0 && (generated.length > 0 || simulated.length > 0);
  if (readNothing) return generated.length === 1 && simulated.length === 0 ? generated[0] : made;
  const underRoot: DataRootRecord = { root: resolve(dataRoot), ...(await dataFingerprint(data.dataFiles, dataRoot)) };
  return { ...underRoot, ...made };
}

/**
 * The model files a config reads (absolute paths) and their content fingerprint; none for
 * built-in models. One computation for the run manifest and for the fingerprint Nx keys on.
 */
export async function modelFingerprint(config: ExperimentConfig): Promise<{ paths: string[]; sha256: string }> {
  const paths = [...new Set((await experimentModelFiles(config)).map((f) => resolve(f)))].sort();
  return { paths, sha256: (await dataFingerprint(paths, WORKSPACE_ROOT)).sha256 };
}

/**
 * The run id, or with -2, -3, ... appended when a run of the same config started in the same
 * second, claimed by making a hidden folder beside it: two runs at once cannot both take one
 * name (a check before the final rename let the second fail at the very end), and a run that is
 * killed leaves no empty folder under a run's name.
 */
async function reserveRunId(experimentDir: string, runId: string): Promise<string> {
  for (let k = 1; ; k++) {
    const id = k === 1 ? runId : `${runId}-${k}`;
    if (existsSync(join(experimentDir, id))) continue;
    try {
      await mkdir(claimOf(experimentDir, id));
      // A run that finished between the check and the claim holds the name now.
      if (!existsSync(join(experimentDir, id))) return id;
      await rmdir(claimOf(experimentDir, id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DatasetError(`cannot make a run folder: ${(err as Error).message}`, join(experimentDir, id));
    }
  }
}

const claimOf = (experimentDir: string, runId: string) => join(experimentDir, `.${runId}.claim`);

async function loadComparisons(config: ExperimentConfig, opts: RunOptions): Promise<ComparisonScores> {
  return (await loadWithAssignment(config, opts)).data;
}

async function loadWithAssignment(config: ExperimentConfig, opts: RunOptions): Promise<{ data: ComparisonScores; chimeric?: ChimericAssignment }> {
  const d = config.dataset;
  if (d.loader === 'chimeric') {
    const sources = [];
    for (const s of d.sources) sources.push({ name: s.name, data: await loadComparisons(chimericSourceConfig(config, s), opts) });
    const built = buildChimeric(sources, config.seed);
    return { data: built.data, chimeric: built.assignment };
  }
  return { data: await loadSingle(config, opts) };
}

async function loadSingle(config: ExperimentConfig, opts: RunOptions): Promise<ComparisonScores> {
  const d = config.dataset;
  switch (d.loader) {
    case 'score-matrix':
      return scoreMatrixSource(d, opts.dataRoot);
    case 'simulated-scores':
      return simulatedSource(d, config.seed);
    case 'scores-csv':
      return scoresCsvSource(d, opts.dataRoot);
    default:
      return modalitySource(config, { dataRoot: opts.dataRoot, registry: opts.registry, onProgress: opts.onProgress });
  }
}

/**
 * The files an experiment reads, without running it: the fingerprint Nx hashes to decide
 * whether a cached run is still valid. Each loader's list comes from the step the run itself
 * lists its data with (modalityListing, scoreMatrixFiles, scoresCsvFiles), and the run's
 * manifest fingerprints that same list, so the key and the run never disagree about the data (a
 * sample outside dataset.root was read by the run and left out of the key, and Nx served a
 * stale run).
 */
export async function experimentDataFiles(config: ExperimentConfig, dataRoot: string): Promise<string[]> {
  const d = config.dataset;
  switch (d.loader) {
    case 'chimeric': {
      const files: string[] = [];
      for (const s of d.sources) files.push(...(await experimentDataFiles(chimericSourceConfig(config, s), dataRoot)));
      return files;
    }
    case 'score-matrix':
      return existingFiles(scoreMatrixFiles(d, dataRoot));
    case 'simulated-scores':
      return [];
    case 'scores-csv':
      return existingFiles(scoresCsvFiles(d, dataRoot));
    case 'synthetic-signatures':
    case 'synthetic-fingerprints':
      return []; // made from the config's seed by the code Nx already keys on: the config is the data
    default:
      // A missing folder or pairs file is an error here as in the run, not the fingerprint of no files.
      return (await modalityListing(config, dataRoot)).dataFiles;
  }
}

/**
 * The model files an experiment's pipelines read beyond what ships with biofuse (a face card
 * given by path or found in $BIOFUSE_MODELS, with its weights): part of the Nx cache key and of
 * the manifest, so an edited card or retrained head never passes for the old one.
 */
export async function experimentModelFiles(config: ExperimentConfig): Promise<string[]> {
  const d = config.dataset;
  if (d.loader === 'chimeric') {
    const files: string[] = [];
    for (const s of d.sources) files.push(...(await experimentModelFiles(chimericSourceConfig(config, s))));
    return files;
  }
  if (config.pipeline?.modality !== 'face') return [];
  const { models } = parseFaceParams(config.pipeline.params);
  return models === undefined ? [] : faceModelFiles(models);
}

function existingFiles(files: string[]): string[] {
  for (const f of files) if (!existsSync(f)) throw new DatasetError('no such data file', f);
  return files;
}
