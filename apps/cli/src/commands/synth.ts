import { chmod, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { writeSyntheticFvcDataset } from '@biofuse/fingerprint';
import { synthesizeSignatures, writeSvc2004Folder } from '@biofuse/signature';
import { DatasetError, makeNewFolders, removedOnInterrupt } from '@biofuse/core';
import { countOption, pathOption, seedOption } from '../options';

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
      const counts = {
        users: countOption('--users', opts.users, 1, 10_000),
        genuine: countOption('--genuine', opts.genuine, 1, 1000),
        forgeries: countOption('--forgeries', opts.forgeries, 0, 1000),
        seed: seedOption(opts.seed),
      };
      const signatures = synthesizeSignatures(counts);
      const out = await writeDataset(pathOption('--out', opts.out), (dir) => writeSvc2004Folder(dir, signatures));
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
      const fingers = countOption('--fingers', opts.fingers, 1, 10_000);
      const impressions = countOption('--impressions', opts.impressions, 1, 100);
      const seed = seedOption(opts.seed);
      const out = await writeDataset(pathOption('--out', opts.out), (dir) => writeSyntheticFvcDataset(dir, { fingers, impressions, seed }));
      process.stdout.write(`${fingers * impressions} fingerprint image(s) written to ${out}\n`);
    });
  return synth;
}

/**
 * Writes a dataset into the folder at `path` (new, or empty but for hidden files) and returns
 * its full path. A run that fails or is interrupted takes away the folders it made for it (an
 * empty `out` was left), never one that was there or that holds anything.
 */
async function writeDataset(path: string, write: (dir: string) => Promise<unknown>): Promise<string> {
  const folders = await makeNewFolders(path, 'dataset folder');
  try {
    const out = await emptyFolder(path);
    await writeComplete(out, write);
    folders.keep();
    return out;
  } catch (err) {
    folders.undo();
    throw err;
  }
}

/**
 * Writes a dataset beside `out` and moves it in once complete: a run that fails or is killed
 * half-way (a full disk, Ctrl-C) left zero-byte images and no ground truth under `out`, a
 * dataset that looked whole to the next reader. The folder written first has a name of its own
 * (a rerun under the same pid must not find another run's files there) and goes when the run
 * is interrupted.
 */
async function writeComplete(out: string, write: (dir: string) => Promise<unknown>): Promise<void> {
  const partial = await mkdtemp(`${out}.partial-`);
  const release = removedOnInterrupt(partial);
  try {
    await write(partial);
    // `out` is empty but for hidden files (checked before): one rename when it can be replaced, else entry by entry.
    // The folder put in its place keeps its permissions (mkdtemp's are the owner's alone).
    const { mode } = await stat(out);
    const replaced = await rmdir(out).then(
      () => true,
      () => false,
    );
    if (replaced) {
      await rename(partial, out);
      await chmod(out, mode);
    }
    else {
      await moveEntries(partial, out);
      await rm(partial, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    release();
  }
}

/**
 * Moves every entry of `from` into `to`, whole or nothing: a folder with files of its own
 * (hidden ones, kept) cannot be replaced by one rename, and a run stopped half-way through the
 * moves left half a dataset under `to`. Each entry is registered under its new name before it
 * is moved, so an interrupt (Ctrl-C, a kill) removes those moved and, with `from` registered by
 * the caller, those not; a failed move removes those moved. Only SIGKILL or a crash mid-move
 * still leaves some.
 */
async function moveEntries(from: string, to: string): Promise<void> {
  const releases: (() => void)[] = [];
  const moved: string[] = [];
  try {
    for (const entry of await readdir(from)) {
      const target = join(to, entry);
      releases.push(removedOnInterrupt(target));
      await rename(join(from, entry), target);
      moved.push(target);
    }
  } catch (err) {
    for (const target of moved) await rm(target, { recursive: true, force: true });
    throw err;
  } finally {
    for (const release of releases) release();
  }
}

/** The folder a dataset is written into (made already), new or empty: writing over another dataset mixed the two (files of both, one ground truth). */
async function emptyFolder(path: string): Promise<string> {
  const out = resolve(path);
  const present = (await readdir(out)).filter((f) => !f.startsWith('.'));
  if (present.length > 0) throw new DatasetError(`is not empty (${present.length} entries, such as ${present[0]}): write a synthetic dataset into a new or empty folder`, out);
  return out;
}
