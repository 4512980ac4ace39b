import { readdir, rm, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { makeFolder, progressBar } from '@biofuse/core';
import { Command } from 'commander';
import {
  encodeFingerprintTemplate,
  extractFingerprint,
  FingerprintAcquisitionError,
  FingerprintGallery,
  FingerprintModality,
  fingerprintDecisionThresholds,
  loadFingerprintImage,
  lowQualityReason,
  stageImagePng,
  writeIsoTemplate,
  type ExtractionResult,
  type StageImage,
} from '@biofuse/fingerprint';
import { decisionFrom, decisionJson, describeDecision, thresholdOption } from '../decision';
import { fingerprintQualityCommand } from './fingerprint-quality';
import { UsageError } from '../exit-codes';
import { integerOption } from '../options';
import { sensorDpiOption } from '../sensor-dpi';
import { checkEnrolInput, enrolIntoGallery } from '../gallery-file';
import { reserveOutputFile } from '../output-file';
import { forSample } from '../named-sample';
import { formatRankedList } from '../ranked-list';
import { round } from '../round';

interface ImageFlags {
  dpi?: string;
}

function dpiFrom(flags: ImageFlags): number | undefined {
  return flags.dpi === undefined ? undefined : sensorDpiOption(flags.dpi);
}

/** How `--debug-dir` names a stage image: its place in the pipeline, then the stage (`09-skeleton.png`). */
const STAGE_IMAGE = /^\d{2}-[a-z0-9-]+\.png$/;

async function writeStageImages(dir: string, stages: ReadonlyMap<string, StageImage>): Promise<void> {
  let k = 0;
  for (const [name, stage] of stages) {
    await writeFile(join(dir, `${String(++k).padStart(2, '0')}-${name}.png`), await stageImagePng(stage));
  }
}

/** Removes the stage images of an earlier run, and nothing else the folder holds. */
async function removeStageImages(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile() && STAGE_IMAGE.test(entry.name)) await rm(join(dir, entry.name), { force: true });
  }
}

/** `biofuse fingerprint ...`: extract, quality, compare, enroll, identify. */
export function fingerprintCommand(): Command {
  const fp = new Command('fingerprint').description('fingerprint recognition: extract minutiae templates, compare prints or templates');

  fp.command('extract <image>')
    .description('minutiae template of one image (TIFF, PNG, BMP, JPEG, PGM)')
    .option('--dpi <n>', 'sensor resolution (default: from the file, else 500)')
    .option('--out <file>', 'write the template: .bfp (biofuse) or .iso (ISO/IEC 19794-2:2005)')
    .option('--debug-dir <dir>', 'write every extraction stage as a PNG (working resolution, 500 dpi)')
    .option('--json', 'print the minutiae as JSON')
    .action(async (imagePath: string, flags: ImageFlags & { out?: string; debugDir?: string; json?: boolean }) => {
      // Where the results go is checked before the work.
      const ext = flags.out === undefined ? undefined : extname(flags.out).toLowerCase();
      if (ext !== undefined && ext !== '.bfp' && ext !== '.iso') throw new UsageError(`--out must end in .bfp or .iso, got "${flags.out}"`);
      const writeTemplate = flags.out === undefined ? undefined : await reserveOutputFile(resolve(flags.out));
      const debugDir = flags.debugDir === undefined ? undefined : await makeFolder(resolve(flags.debugDir));
      // An earlier run's stages left beside this run's would pass for this run's.
      if (debugDir) await removeStageImages(debugDir);
      const image = await loadFingerprintImage(imagePath, { dpi: dpiFrom(flags) });
      let extracted: ExtractionResult;
      try {
        extracted = extractFingerprint(image, { debug: debugDir !== undefined });
      } catch (err) {
        // A refused print is when the stages matter most: write those made before the failure.
        if (debugDir && err instanceof FingerprintAcquisitionError && err.stages && err.stages.size > 0) {
          await writeStageImages(debugDir, err.stages);
          process.stderr.write(`${err.stages.size} stage image(s), up to the failure, written to ${debugDir}\n`);
        }
        throw err;
      }
      const { template, qualityFeatures, stages } = extracted;
      if (debugDir && stages) await writeStageImages(debugDir, stages);
      if (writeTemplate) await writeTemplate(ext === '.iso' ? writeIsoTemplate(template) : encodeFingerprintTemplate(template));
      const m = template.minutiae;
      const why = lowQualityReason(qualityFeatures);
      const summary = {
        image: imagePath,
        width: template.width,
        height: template.height,
        dpi: template.dpi,
        quality: template.quality,
        lowQuality: why !== undefined,
        minutiae: m.count,
      };
      if (why) process.stderr.write(`warning: low quality (${template.quality}/100): ${why}; comparisons with this print fail far more often, capture it again if you can\n`);
      if (flags.json) {
        const list = Array.from({ length: m.count }, (_, i) => ({
          x: round(m.x[i], 2),
          y: round(m.y[i], 2),
          angleDeg: round((m.angle[i] * 180) / Math.PI, 1),
          kind: m.kind[i] === 1 ? 'ending' : m.kind[i] === 2 ? 'bifurcation' : 'other',
          quality: m.quality[i],
        }));
        const q = qualityFeatures;
        // What the quality was computed from, so a low score says why (dry or smudged skin, too few minutiae).
        const qualityDetails = { clearShare: round(q.clearShare, 3), meanCoherence: round(q.meanCoherence, 3), periodShare: round(q.periodShare, 3), areaMm2: round(q.areaMm2, 1) };
        process.stdout.write(`${JSON.stringify({ ...summary, qualityDetails, minutiae: list }, null, 2)}\n`);
      } else {
        process.stdout.write(`${imagePath}: ${m.count} minutiae, quality ${template.quality}/100, ${template.width} x ${template.height} at ${template.dpi} dpi\n`);
      }
    });

  fp.addCommand(fingerprintQualityCommand());

  fp.command('compare <a> <b>')
    .description('similarity of two prints: images, .bfp or .iso templates, in any mix (0 = unrelated .. 1), and whether they match')
    .option('--dpi <n>', 'sensor resolution of image arguments (default: from the file, else 500)')
    .option('--fmr <rate>', 'decide at the shipped threshold for this false match rate: 0.01 or 0.001', '0.001')
    .addOption(thresholdOption('decide at this similarity (0-1) instead (for templates of another extractor)'))
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, flags: ImageFlags & { fmr: string; threshold?: string; json?: boolean }) => {
      const decision = decisionFrom(flags, fingerprintDecisionThresholds(), [0, 1]);
      // Images and template files alike: the modality tells them apart by their bytes.
      const modality = new FingerprintModality({ dpi: dpiFrom(flags) });
      const ta = await forSample(a, async () => modality.extract(await modality.load(a)));
      const tb = await forSample(b, async () => modality.extract(await modality.load(b)));
      const score = modality.compare(ta, tb);
      const match = score.similarity >= decision.threshold;
      const result = {
        a,
        b,
        similarity: round(score.similarity, 4),
        match,
        ...decisionJson(decision),
        minutiaeA: ta.minutiae.count,
        minutiaeB: tb.minutiae.count,
        qualityA: ta.quality,
        qualityB: tb.quality,
        // The matcher's own counts: minutiae with a cylinder (not those at the print's edge), pairs considered and averaged.
        matcher: score.details ?? null,
      };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `similarity ${result.similarity} (${ta.minutiae.count} x ${tb.minutiae.count} minutiae): ${match ? 'same finger' : 'different fingers'} (${describeDecision(decision)})\n`,
      );
    });
  fp.command('enroll [samples...]')
    .description('enrol prints (images or templates) into a gallery: --folder DIR (one sub-folder per identity) or --identity ID FILES...')
    .requiredOption('--gallery <file>', 'gallery database (SQLite), created if missing')
    .option('--folder <dir>', 'a folder per identity; unchanged files are skipped, changed ones replaced')
    .option('--identity <id>', 'the identity the files belong to')
    .option('--dpi <n>', 'sensor resolution of the images (default: from the file, else 500)')
    .option('--min-quality <q>', 'refuse prints below this quality (0-100) as failures to enrol; 40 flags the prints that fail most')
    .action(async (samples: string[], flags: ImageFlags & { gallery: string; folder?: string; identity?: string; minQuality?: string }) => {
      checkEnrolInput(flags, samples, 'files');
      const minQuality = flags.minQuality === undefined ? undefined : integerOption('--min-quality', flags.minQuality, 0);
      if (minQuality !== undefined && minQuality > 100) throw new UsageError(`--min-quality must be 0-100, got ${minQuality}`);
      const path = resolve(flags.gallery);
      const modality = new FingerprintModality({ dpi: dpiFrom(flags), minQuality });
      await enrolIntoGallery(path, () => FingerprintGallery.open(path, modality), async (gallery) => {
        const bar = progressBar('enrolling');
        const report = flags.folder ? await gallery.enrollFolder(flags.folder, (d, t) => bar.update(d, t)) : await gallery.enroll(flags.identity as string, ...samples);
        bar.done();
        process.stdout.write(`${JSON.stringify({ gallery: path, ...report, identities: gallery.list().length, records: gallery.size }, null, 2)}\n`);
      });
    });

  fp.command('identify <sample>')
    .description('1:N: rank a gallery\'s identities against a print (vector shortlist, then minutiae comparison)')
    .requiredOption('--gallery <file>', 'gallery database made by `biofuse fingerprint enroll`')
    .option('-k, --top <k>', 'candidates to return', '5')
    .option('--shortlist <n>', 'identities kept by the vector pre-selection (at least -k)', '100')
    .option('--dpi <n>', 'sensor resolution of the image (default: from the file, else 500)')
    .option('--fmr <rate>', 'mark candidates at or above the shipped threshold for this false match rate per comparison: 0.01 or 0.001 (a search makes up to --shortlist comparisons)', '0.001')
    .addOption(thresholdOption('mark candidates at or above this similarity (0-1) instead'))
    .option('--json', 'print the candidates as JSON (with their vector scores and enrolled records)')
    .action(async (sample: string, flags: ImageFlags & { gallery: string; top: string; shortlist: string; fmr: string; threshold?: string; json?: boolean }) => {
      const decision = decisionFrom(flags, fingerprintDecisionThresholds(), [0, 1]);
      const k = integerOption('-k', flags.top, 1);
      const shortlist = integerOption('--shortlist', flags.shortlist, 1);
      const gallery = await FingerprintGallery.open(resolve(flags.gallery), new FingerprintModality({ dpi: dpiFrom(flags) }), { create: false });
      try {
        // A probe refused (too few minutiae, a damaged template) names its file once, as compare's do;
        // the gallery's own errors name the gallery, not the probe.
        const { modality } = gallery;
        const probe = await forSample(sample, async () => modality.extract(await modality.load(sample)));
        const candidates = gallery.identifyTemplate(probe, { k, shortlist });
        const marked = candidates.map((c) => ({ ...c, score: round(c.score, 4), vectorScore: round(c.vectorScore, 4), match: c.score >= decision.threshold }));
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ sample, ...decisionJson(decision), candidates: marked }, null, 2)}\n`
            : formatRankedList(sample, `accepted at ${describeDecision(decision)}`, marked.map((c) => ({ identity: c.identity, similarity: c.score, accepted: c.match }))),
        );
      } finally {
        gallery.close();
      }
    });
  return fp;
}
