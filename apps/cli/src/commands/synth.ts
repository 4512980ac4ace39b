import { resolve } from 'node:path';
import { Command } from 'commander';
import { writeSyntheticFvcDataset } from '@biofuse/fingerprint';
import { synthesizeSignatures, writeSvc2004Folder } from '@biofuse/signature';
import { makeFolder } from '@biofuse/experiments';
import { integerOption } from '../options';

/** Seeded synthetic datasets, written in the layout of the real set they stand in for. */
export function synthCommand(): Command {
  const synth = new Command('synth').description('write seeded synthetic datasets');
  synth
    .command('signatures')
    .description('sigma-lognormal online signatures in SVC2004 layout (U<u>S<s>.TXT: genuine first, then skilled forgeries)')
    .requiredOption('--out <dir>', 'folder to write')
    .option('--users <n>', 'users', '40')
    .option('--genuine <n>', 'genuine signatures per user', '20')
    .option('--forgeries <n>', 'skilled forgeries per user', '20')
    .option('--seed <n>', 'seed', '1')
    .action(async (opts: { out: string; users: string; genuine: string; forgeries: string; seed: string }) => {
      const out = await makeFolder(resolve(opts.out));
      const signatures = synthesizeSignatures({
        users: integerOption('--users', opts.users, 1),
        genuine: integerOption('--genuine', opts.genuine, 1),
        forgeries: integerOption('--forgeries', opts.forgeries, 0),
        seed: integerOption('--seed', opts.seed, 0),
      });
      await writeSvc2004Folder(out, signatures);
      process.stdout.write(`${signatures.size} signatures written to ${out}\n`);
    });
  synth
    .command('fingerprints')
    .description('SFinGe-style fingerprints in FVC layout (<finger>_<impression>.png, 500 dpi) with ground-truth.json')
    .requiredOption('--out <dir>', 'folder to write')
    .option('--fingers <n>', 'fingers', '10')
    .option('--impressions <n>', 'impressions per finger', '8')
    .option('--seed <n>', 'seed', '1')
    .action(async (opts: { out: string; fingers: string; impressions: string; seed: string }) => {
      const fingers = integerOption('--fingers', opts.fingers, 1);
      const impressions = integerOption('--impressions', opts.impressions, 1);
      const seed = integerOption('--seed', opts.seed, 0);
      const out = await makeFolder(resolve(opts.out));
      await writeSyntheticFvcDataset(out, { fingers, impressions, seed });
      process.stdout.write(`${fingers * impressions} fingerprint image(s) written to ${out}\n`);
    });
  return synth;
}

