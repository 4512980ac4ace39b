import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { BiometricError, DatasetError, progressBar } from '@biofuse/core';
import { csvCell, listFilesRecursive } from '@biofuse/experiments';
import { extractFingerprint, loadFingerprintImage, lowQualityReason } from '@biofuse/fingerprint';
import { Command } from 'commander';
import { sensorDpiOption } from '../sensor-dpi';
import { abandonOutputFile, closeOutputFile, openOutputFile } from '../output-file';

const IMAGE_EXTENSIONS = new Set(['.tif', '.tiff', '.png', '.bmp', '.jpg', '.jpeg', '.pgm']);
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
      const dpi = flags.dpi === undefined ? undefined : sensorDpiOption(flags.dpi);
      const files = (await Promise.all(inputs.map(expandInput))).flat();
      // Like an enrolment folder with nothing in it: the data, not the command line, is at fault.
      if (files.length === 0) throw new DatasetError(`no images (${[...IMAGE_EXTENSIONS].join(', ')}) in ${inputs.join(', ')}`);

      const file = flags.out === undefined ? undefined : await openOutputFile(flags.out);
      const out = file?.stream ?? process.stdout;
      const row = (cells: readonly (string | number)[]) => out.write(`${cells.map((c) => csvCell(String(c))).join(',')}\n`);
      row(COLUMNS);
      const bar = progressBar('quality');
      let low = 0;
      let failed = 0;
      let sum = 0;
      for (const [k, image] of files.entries()) {
        try {
          const { template, qualityFeatures: f } = extractFingerprint(await loadFingerprintImage(image, { dpi }));
          const reason = lowQualityReason(f);
          if (reason) low++;
          sum += template.quality;
          row([image, template.quality, reason ?? '', f.clearShare.toFixed(3), f.meanCoherence.toFixed(3), f.periodShare.toFixed(3), f.areaMm2.toFixed(1), f.minutiae, '']);
        } catch (err) {
          if (!(err instanceof BiometricError)) {
            if (file) await abandonOutputFile(file);
            throw err;
          }
          failed++;
          row([image, ...Array<string>(COLUMNS.length - 2).fill(''), err.message]);
        }
        bar.update(k + 1, files.length);
      }
      bar.done();
      if (file) await closeOutputFile(file);
      const scored = files.length - failed;
      process.stderr.write(
        `${files.length} image(s): mean quality ${scored > 0 ? (sum / scored).toFixed(1) : '-'}, ${low} flagged low quality, ${failed} could not be used\n`,
      );
      // The rows say why; the exit code says that nothing was measured.
      if (scored === 0) throw new DatasetError(`none of the ${files.length} image(s) could be used`);
    });
}

/** A file as given, or a folder's images (recursively, sorted), links to no file included: each is a row, failures too. */
async function expandInput(input: string): Promise<string[]> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(input)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? String(err)})`, input);
  }
  if (!isFolder) return [input];
  return (await listFilesRecursive(input, { brokenLinks: true })).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()));
}
