import { Command } from 'commander';
import { catalogEntry, DATASET_CATALOG, fetchDataset, progressBar, type Progress } from '@biofuse/core';
import { resolveDataRoot } from '@biofuse/experiments';
import { UsageError } from '../exit-codes';

export function datasetsCommand(): Command {
  const datasets = new Command('datasets').description('list and fetch the public datasets biofuse reads');
  datasets
    .command('list')
    .description('list the datasets `fetch` knows, with where they come from')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(DATASET_CATALOG, null, 2)}\n`);
        return;
      }
      for (const e of DATASET_CATALOG) {
        const how = e.manual ? 'manual download (see fetch)' : e.files.every((f) => f.sha256 || f.md5) ? 'published checksums' : 'checksum recorded at first download';
        process.stdout.write(`${e.name.padEnd(16)} ${e.title}\n${''.padEnd(16)} ${e.homepage} (${how})\n`);
      }
    });
  datasets
    .command('fetch')
    .description('download a dataset into <data root>/<name>/: resumable, checksum-verified, unpacked')
    .argument('<name>', `one of ${DATASET_CATALOG.map((e) => e.name).join(', ')}`)
    .option('--data-root <dir>', 'where datasets live (default: $BIOFUSE_DATA or ../shared/datasets)')
    .option('--mirror <url>', 'base URL serving the same files by name, used instead of the official addresses')
    .action(async (name: string, opts: { dataRoot?: string; mirror?: string }) => {
      const entry = catalogEntry(name);
      if (!entry) throw new UsageError(`unknown dataset "${name}" (known: ${DATASET_CATALOG.map((e) => e.name).join(', ')})`);
      const bars = new Map<string, Progress>();
      const report = await fetchDataset(entry, {
        dataRoot: resolveDataRoot(opts.dataRoot),
        mirror: opts.mirror === undefined ? undefined : mirrorOption(opts.mirror),
        onProgress: (file, bytes, total) => {
          let bar = bars.get(file);
          if (!bar) bars.set(file, (bar = progressBar(file, process.stderr, 'bytes')));
          bar.update(bytes, total ?? bytes);
        },
        onMessage: (m) => process.stderr.write(`${m}\n`),
      });
      for (const b of bars.values()) b.done();
      for (const f of report.files) {
        process.stdout.write(
          `${f.file}: ${f.downloaded ? 'downloaded' : 'already present'}, ${f.bytes} bytes, ${f.verification}${f.extracted !== undefined ? `, ${f.extracted} entries unpacked` : ''}\n`,
        );
      }
      process.stdout.write(`${entry.name} is in ${report.dir}\n`);
    });
  return datasets;
}

/** `--mirror`: an http(s) address. Anything else was tried as one and failed as a download (a data error, exit 2). */
function mirrorOption(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new UsageError(`--mirror must be an http:// or https:// address, got "${value}"`);
  return value;
}
