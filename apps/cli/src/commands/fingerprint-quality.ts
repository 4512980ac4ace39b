import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { BiometricError, progressBar } from '@biofuse/core';
import { csvCell } from '@biofuse/experiments';
import { extractFingerprint, loadFingerprintImage, lowQualityReason } from '@biofuse/fingerprint';
import { Command } from 'commander';
import { UsageError } from '../exit-codes';

const IMAGE_EXTENSIONS = new Set(['.tif', '.tiff', '.png', '.bmp', '.jpg', '.jpeg']);
const COLUMNS = ['file', 'quality', 'low_quality', 'clear_share', 'mean_coherence', 'period_share', 'area_mm2', 'minutiae', 'error'];

/**
 * `biofuse fingerprint quality IMAGES|FOLDERS...`: the quality of every print as CSV, one row per
 * image in the order given (folders are walked, files sorted), with what the score is made of.
 * An image that cannot be read or used gets an empty quality and the reason in `error`: a
 * failure is a result here, not a reason to stop.
 */
export function fingerprintQualityCommand(): Command {
  return new Command('quality')
    .argument('<inputs...>', 'images, or folders of images (TIFF, PNG, BMP, JPEG)')
    .description('quality of many prints as CSV (file, quality, low_quality, what it is made of, error)')
    .option('--dpi <n>', 'sensor resolution (default: from each file, else 500)')
    .option('--out <file>', 'write the CSV here instead of standard output')
    .action(async (inputs: string[], flags: { dpi?: string; out?: string }) => {
      const dpi = flags.dpi === undefined ? undefined : Number(flags.dpi);
      if (dpi !== undefined && !(Number.isFinite(dpi) && dpi > 0)) throw new UsageError(`--dpi must be a positive number, got "${flags.dpi}"`);
      const files = (await Promise.all(inputs.map(expandInput))).flat();
      if (files.length === 0) throw new UsageError(`no images (${[...IMAGE_EXTENSIONS].join(', ')}) in ${inputs.join(', ')}`);

      const out = flags.out ? createWriteStream(flags.out) : process.stdout;
      out.write(`${COLUMNS.join(',')}\n`);
      const bar = progressBar('quality');
      let low = 0;
      let failed = 0;
      let sum = 0;
      for (const [k, file] of files.entries()) {
        try {
          const { template, qualityFeatures: f } = extractFingerprint(await loadFingerprintImage(file, { dpi }));
          const reason = lowQualityReason(f);
          if (reason) low++;
          sum += template.quality;
          const cells = [template.quality, reason ?? '', f.clearShare.toFixed(3), f.meanCoherence.toFixed(3), f.periodShare.toFixed(3), f.areaMm2.toFixed(1), f.minutiae, ''];
          out.write(`${[csvCell(file), ...cells.map((c) => csvCell(String(c)))].join(',')}\n`);
        } catch (err) {
          if (!(err instanceof BiometricError)) throw err;
          failed++;
          out.write(`${csvCell(file)},,,,,,,,${csvCell(err.message)}\n`);
        }
        bar.update(k + 1, files.length);
      }
      bar.done();
      if (out !== process.stdout) await new Promise<void>((done) => (out as ReturnType<typeof createWriteStream>).end(done));
      const scored = files.length - failed;
      process.stderr.write(
        `${files.length} image(s): mean quality ${scored > 0 ? (sum / scored).toFixed(1) : '-'}, ${low} flagged low quality, ${failed} could not be used\n`,
      );
    });
}

/** A file as given, or a folder's images (recursively, sorted). */
async function expandInput(input: string): Promise<string[]> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new UsageError(`no such file or folder: ${input}`);
  if (!info.isDirectory()) return [input];
  const entries = (await readdir(input, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? expandInput(join(input, e.name)) : IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()) ? [join(input, e.name)] : [])),
  );
  return nested.flat();
}
