import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type AcquisitionError, makeFolder, progressBar, readIdentityFolders, readLfwPairs } from '@biofuse/core';
import {
  DETECTOR_NAMES,
  DISTANCE_METRICS,
  EXPAND_PERCENT_RANGE,
  FaceGallery,
  FaceRecognizer,
  alignFace,
  expandTemplate,
  uprightCrop,
  ARCFACE_112,
  type DistanceMetric,
  type FaceRecognizerOptions,
  type FaceTemplate,
  allPairScores,
  calibrateThresholds,
  writeCardThresholds,
} from '@biofuse/face';

import { UsageError } from '../exit-codes';
import { integerOption, numberOption } from '../options';
import { checkEnrolInput, enrolIntoGallery } from '../gallery-file';
import { formatRankedList } from '../ranked-list';
import { round } from '../round';


interface PipelineFlags {
  model: string;
  detector: string;
  landmarks: string;
  align: boolean;
  expand?: string;
  enforceDetection: boolean;
  flip?: boolean;
}

/**
 * The pipeline flags. `embeds: false` (detect) hides --flip, which changes embeddings only: it is
 * still parsed, so that the action refuses it by name instead of commander's bare "unknown option".
 */
function pipelineOptions(cmd: Command, { embeds = true } = {}): Command {
  const flip = new Option('--flip', 'also embed the mirrored face and average (test-time augmentation)');
  return cmd
    .option('--model <name>', 'embedding model, ensemble card, card path, or a comma-separated list', 'dlib-resnet')
    .addOption(new Option('--detector <name>', 'face detector').choices([...DETECTOR_NAMES]).default('cascade'))
    .addOption(new Option('--landmarks <stage>', 'landmark stage').choices(['mesh', 'detector']).default('mesh'))
    .option('--no-align', 'crop the face box upright instead of aligning to the model template')
    .option('--expand <percent>', `widen the face region by this percentage (${EXPAND_PERCENT_RANGE.join('-')})`)
    .addOption(embeds ? flip : flip.hideHelp())
    .option('--no-enforce-detection', 'embed the whole image when no face is found');
}

/** The recogniser's options from the pipeline flags (--expand parsed here, once). */
function recognizerOptions(flags: PipelineFlags): FaceRecognizerOptions {
  return {
    models: flags.model.includes(',') ? flags.model.split(',') : flags.model,
    detector: flags.detector as FaceRecognizerOptions['detector'],
    landmarks: flags.landmarks as 'mesh' | 'detector',
    align: flags.align,
    expandPercentage: flags.expand === undefined ? undefined : expandOption(flags.expand),
    enforceDetection: flags.enforceDetection,
    flip: flags.flip,
  };
}

function recognizerFrom(flags: PipelineFlags): Promise<FaceRecognizer> {
  return FaceRecognizer.create(recognizerOptions(flags));
}

/** How far to widen a face region, in percent: the recogniser's range, named as the flag. */
function expandOption(value: string): number {
  const percent = numberOption('--expand', value);
  const [min, max] = EXPAND_PERCENT_RANGE;
  if (!(percent >= min && percent <= max)) throw new UsageError(`--expand must be a percentage in ${min}-${max}, got "${value}"`);
  return percent;
}

function metricFrom(value: string): DistanceMetric {
  if (!DISTANCE_METRICS.includes(value as DistanceMetric)) throw new UsageError(`--metric must be one of ${DISTANCE_METRICS.join(', ')}`);
  return value as DistanceMetric;
}

const box = (b: { x: number; y: number; width: number; height: number } | undefined) =>
  b && { x: round(b.x, 1), y: round(b.y, 1), width: round(b.width, 1), height: round(b.height, 1) };

/** `biofuse face ...`: verify, represent, detect, calibrate. */
export function faceCommand(): Command {
  const face = new Command('face').description('face recognition: verify, represent, detect, calibrate');

  pipelineOptions(face.command('verify <a> <b>').description('1:1 verification of two images (paths or data URLs)'))
    .option('--metric <metric>', `${DISTANCE_METRICS.join(', ')}`, 'cosine')
    .option('--threshold <t>', 'decision threshold on the similarity scale (default: calibrated, FMR = 1e-3)')
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, flags: PipelineFlags & { metric: string; threshold?: string; json?: boolean }) => {
      const recognizer = await recognizerFrom(flags);
      const threshold = flags.threshold === undefined ? undefined : numberOption('--threshold', flags.threshold);
      const result = await recognizer.verify(a, b, { metric: metricFrom(flags.metric), threshold });
      const out = { ...result, similarity: round(result.similarity), distance: round(result.distance), threshold: round(result.threshold), facialAreas: result.facialAreas.map(box) };
      if (flags.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else {
        process.stdout.write(
          `${result.verified ? 'same person' : 'different people'}: ${result.metric} similarity ${out.similarity} ` +
            `(threshold ${out.threshold}, ${result.thresholdSource}); model ${result.model}, detector ${result.detector}; ${result.timings.totalMs.toFixed(0)} ms\n`,
        );
      }
    });

  pipelineOptions(face.command('represent <image>').description('embeddings of every face in an image, as JSON'))
    .action(async (image: string, flags: PipelineFlags) => {
      const recognizer = await recognizerFrom(flags);
      const faces = await recognizer.represent(image);
      const out = faces.map((f) => ({
        embedding: Array.from(f.template.embedding, (v) => round(v, 6)),
        // The configuration's name, and apart from it the digest of the models' weights and cards that made this embedding.
        model: f.template.model,
        digest: f.template.digest,
        facialArea: box(f.facialArea),
        confidence: round(f.confidence),
        detector: f.detector,
      }));
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });

  pipelineOptions(face.command('detect <image>').description('find faces; optionally write 112 px crops'), { embeds: false })
    .option('--out <dir>', 'write one 112 px crop per face (face-<n>.png): aligned to the ArcFace template, or the upright box with --no-align; --expand widens either')
    .action(async (image: string, flags: PipelineFlags & { out?: string }) => {
      // Detection embeds nothing: a --flip taken in silence would read as if the crops were mirrored or averaged (as calibrate refuses --no-enforce-detection).
      if (flags.flip) throw new UsageError('--flip changes embeddings only (it averages each face with its mirror image); detect embeds nothing: drop --flip');
      const options = recognizerOptions(flags);
      // Checks every option and reads the model cards; no weights load yet (they load on the
      // first image), so a refused run leaves no empty folder behind and an --out that cannot
      // be written fails before the models load and the image is read.
      const recognizer = await FaceRecognizer.create(options);
      const outDir = flags.out === undefined ? undefined : await makeFolder(flags.out);
      const pixels = await recognizer.loadImage(image);
      const faces = await recognizer.detect(pixels, image);
      if (outDir) {
        const { default: sharp } = await import('sharp');
        const expand = options.expandPercentage ?? 0;
        // --expand widens the aligned crop as the pipeline widens its model's template, so the
        // crops show the region --expand makes verify and represent embed.
        const template = expandTemplate(ARCFACE_112, expand);
        for (const [i, f] of faces.entries()) {
          // --no-align writes the upright face box at the same 112 px as the aligned crops.
          const crop = flags.align ? alignFace(pixels, f.landmarks, template) : uprightCrop(pixels, f.box, 112, 112, expand);
          const bytes = Buffer.from(Uint8ClampedArray.from(crop.pixels));
          await sharp(bytes, { raw: { width: crop.width, height: crop.height, channels: 3 } }).png().toFile(join(outDir, `face-${i + 1}.png`));
        }
      }
      const out = faces.map((f) => ({
        facialArea: box(f.box),
        confidence: round(f.confidence),
        detector: f.detector,
        landmarks: Object.fromEntries(Object.entries(f.landmarks).map(([k, v]) => [k, v!.map((c) => round(c, 1))])),
      }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });

  pipelineOptions(
    face
      .command('calibrate')
      .description('thresholds at FMR = 1e-3 and EER from every same/different-identity pair of a labelled set')
      .option('--identities <dir>', 'a folder per identity')
      .option('--lfw <dir>', 'an LFW folder (pairs.txt + images/): the images of --folds')
      .option('--folds <list>', 'LFW folds whose images calibrate (keep them apart from the folds you report)', '1')
      .option('--metric <list>', 'metrics to calibrate', 'cosine')
      .option('--write', 'write the thresholds into the model (or ensemble) card'),
  ).action(async (flags: PipelineFlags & { identities?: string; lfw?: string; folds: string; metric: string; write?: boolean }) => {
    if (!flags.identities === !flags.lfw) throw new UsageError('give exactly one of --identities and --lfw');
    // Whole images embedded in place of faces would set the thresholds on something else: calibration counts them as failures.
    if (!flags.enforceDetection) throw new UsageError('calibrate always requires a detected face (images without one are counted as failures to acquire); drop --no-enforce-detection');
    const folds = flags.folds.split(',').map((f) => integerOption('--folds', f.trim(), 1));
    if (flags.lfw && folds.some((f) => f > 10)) throw new UsageError(`--folds are LFW View 2 folds 1-10, got "${flags.folds}"`);
    const recognizer = await recognizerFrom(flags);
    // Before the embedding work, not after it.
    if (flags.write && !recognizer.cardPath) throw new UsageError('this model list has no card to write to: make an ensemble card first');
    let samples: { path: string; identity: string }[];
    let dataset: string;
    if (flags.lfw) {
      const pairs = (await readLfwPairs(join(flags.lfw, 'pairs.txt'))).filter((p) => folds.includes(p.fold ?? -1));
      const paths = [...new Set(pairs.flatMap((p) => [p.reference[0], p.probe]))].sort();
      samples = paths.map((p) => ({ path: join(flags.lfw!, 'images', p), identity: p.split('/')[0] }));
      dataset = `LFW View 2 folds ${flags.folds} (all pairs of their ${paths.length} images)`;
    } else {
      const listing = await readIdentityFolders(flags.identities!);
      samples = listing.samples.map((s) => ({ path: join(flags.identities!, s.path), identity: s.subject }));
      dataset = `${resolve(flags.identities!)} (${samples.length} images)`;
    }
    const bar = progressBar('embedding');
    const templates: { identity: string; template: FaceTemplate }[] = [];
    let failures = 0;
    for (const [i, s] of samples.entries()) {
      try {
        const f = await recognizer.representLargest(s.path);
        templates.push({ identity: s.identity, template: f.template });
      } catch (error) {
        if ((error as AcquisitionError).code !== 'acquisition' && (error as AcquisitionError).code !== 'image_decode') throw error;
        failures++;
      }
      bar.update(i + 1, samples.length);
    }
    bar.done();
    // Every metric is calibrated before anything is written: calibrateThresholds refuses a
    // threshold that is not finite or rejects every genuine pair, and then the card stays as it was.
    const results = flags.metric.split(',').map(metricFrom).map((metric) => {
      const { genuine, impostor } = allPairScores(templates, metric);
      return calibrateThresholds(genuine, impostor, metric, {
        dataset,
        protocol: 'all same-identity and different-identity pairs; failures to acquire excluded from calibration and counted',
        date: new Date().toISOString().slice(0, 10),
        detector: recognizer.detectorName,
      });
    });
    if (flags.write) for (const result of results) await writeCardThresholds(recognizer.cardPath!, recognizer.configurationId, result.metric, result.threshold);
    process.stdout.write(`${JSON.stringify({ configuration: recognizer.configurationId, failuresToAcquire: failures, samples: samples.length, results, written: flags.write ? recognizer.cardPath : null }, null, 2)}\n`);
  });

  return face;
}

/** `biofuse enroll`: add faces to a gallery (a folder per identity, or images for one identity). */
export function enrollCommand(): Command {
  return pipelineOptions(
    new Command('enroll')
      .description('enrol faces into a gallery: --folder DIR (one sub-folder per identity) or --identity ID IMAGES...')
      .argument('[images...]', 'images of --identity')
      .requiredOption('--gallery <file>', 'gallery database (SQLite), created if missing')
      .option('--folder <dir>', 'a folder per identity; unchanged files are skipped, changed ones replaced')
      .option('--identity <id>', 'the identity the images belong to'),
  ).action(async (images: string[], flags: PipelineFlags & { gallery: string; folder?: string; identity?: string }) => {
    checkEnrolInput(flags, images, 'images');
    const path = resolve(flags.gallery);
    const recognizer = await recognizerFrom(flags);
    await enrolIntoGallery(path, () => FaceGallery.open(path, recognizer), async (gallery) => {
      const bar = progressBar('enrolling');
      const report = flags.folder ? await gallery.enrollFolder(flags.folder, (d, t) => bar.update(d, t)) : await gallery.enroll(flags.identity!, ...images);
      bar.done();
      process.stdout.write(`${JSON.stringify({ gallery: path, model: gallery.recognizer.modelId, ...report, identities: gallery.list().length, records: gallery.size }, null, 2)}\n`);
    });
  });
}

/** `biofuse identify`: rank a gallery's identities against the face in an image. */
export function identifyCommand(): Command {
  return pipelineOptions(
    new Command('identify')
      .description('1:N identification of the largest face in an image against a gallery')
      .argument('<image>')
      .requiredOption('--gallery <file>', 'gallery database made by `biofuse enroll` with the same model options')
      .option('-k, --top <k>', 'candidates to return', '5')
      .option('--threshold <t>', 'cosine similarity to accept a candidate (default: calibrated, FMR = 1e-3)')
      .option('--json', 'print the candidates as JSON (with their enrolled records and the model)'),
  ).action(async (image: string, flags: PipelineFlags & { gallery: string; top: string; threshold?: string; json?: boolean }) => {
    const k = integerOption('-k', flags.top, 1);
    const threshold = flags.threshold === undefined ? undefined : numberOption('--threshold', flags.threshold);
    const gallery = await FaceGallery.open(resolve(flags.gallery), await recognizerFrom(flags), { create: false });
    try {
      const result = await gallery.identify(image, { k, threshold });
      const candidates = result.candidates.map((c) => ({ ...c, score: round(c.score) }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...result, candidates }, null, 2)}\n`);
        return;
      }
      // Without a threshold (none given, none calibrated for this configuration) the search only ranks.
      const decided = result.threshold === undefined ? 'no threshold: ranking only' : `accepted at threshold ${round(result.threshold)}, ${threshold === undefined ? 'calibrated' : 'given'}`;
      const listed = candidates.map((c) => ({ identity: c.identity, similarity: c.score, ...(result.threshold === undefined ? {} : { accepted: c.accepted }) }));
      process.stdout.write(formatRankedList(image, decided, listed));
    } finally {
      gallery.close();
    }
  });
}
