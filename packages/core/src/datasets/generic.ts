import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { byCodeUnits } from '../code-unit-order';
import { DatasetError } from '../errors';
import type { DatasetListing, DatasetSample, ProtocolComparison, SkippedFile } from './samples';
import { readTextLines } from './text-lines';

/**
 * A folder per identity: `<root>/<subject>/<file>`. Files at the top level, hidden folders
 * (`.git/`, `.ipynb_checkpoints/`, reason 'hidden folder'), hidden files (.DS_Store, ._x) and
 * files whose extension is not accepted are listed as skipped, and so is an identity folder
 * left with no sample (`<subject>/`, reason 'no samples'), so a caller can tell an empty
 * identity from an absent one.
 */
export async function readIdentityFolders(
  root: string,
  opts: { extensions?: readonly string[] } = {},
): Promise<DatasetListing> {
  const accept = opts.extensions?.map((e) => e.toLowerCase());
  const entries = await listDir(root);
  const samples: DatasetSample[] = [];
  const skipped: SkippedFile[] = [];
  for (const entry of entries) {
    // Symbolic links count as what they point to (a dataset assembled from links is common).
    if (!(await isKind(root, entry, 'directory'))) {
      skipped.push({ path: entry.name, reason: 'not inside an identity folder' });
      continue;
    }
    // .ipynb_checkpoints or .git is a tool's, not an identity (its files became a subject's samples).
    if (entry.name.startsWith('.')) {
      skipped.push({ path: `${entry.name}/`, reason: 'hidden folder' });
      continue;
    }
    const before = samples.length;
    for (const file of await listDir(join(root, entry.name))) {
      const rel = `${entry.name}/${file.name}`;
      if (!(await isKind(join(root, entry.name), file, 'file'))) skipped.push({ path: rel, reason: file.isSymbolicLink() ? 'a link to no file' : 'not a file' });
      else if (file.name.startsWith('.')) skipped.push({ path: rel, reason: 'hidden file' });
      else if (accept && !accept.includes(extname(file.name).toLowerCase())) {
        skipped.push({ path: rel, reason: `extension not in ${accept.join(', ')}` });
      } else samples.push({ path: rel, subject: entry.name });
    }
    if (samples.length === before) skipped.push({ path: `${entry.name}/`, reason: 'no samples' });
  }
  return { samples, skipped };
}

/** A list file: `path<TAB>subject` per line. A sample listed twice is refused (it was compared with itself). */
export async function readSampleList(path: string): Promise<DatasetSample[]> {
  const seen = new Map<string, number>();
  return (await readTextLines(path)).map(({ text, line }) => {
    const cells = text.split('\t');
    if (cells.length !== 2 || !cells[0] || !cells[1]) {
      throw new DatasetError(`expected "path<TAB>subject", got ${cells.length} column(s)`, path, line);
    }
    const earlier = seen.get(cells[0]);
    if (earlier !== undefined) throw new DatasetError(`sample ${cells[0]} is listed again (first on line ${earlier})`, path, line);
    seen.set(cells[0], line);
    return { path: cells[0], subject: cells[1] };
  });
}

/** A pair of samples to compare, with the ground truth when the file gives it. */
export interface SamplePair {
  readonly a: string;
  readonly b: string;
  readonly genuine?: boolean;
  /** The file and line the pair was read from (readPairsFile sets it), for errors about the pair. */
  readonly source?: { readonly path: string; readonly line: number };
}

const TRUE_LABELS = new Set(['1', 'genuine', 'true', 'same', 'match']);
const FALSE_LABELS = new Set(['0', 'impostor', 'false', 'different', 'nonmatch', 'non-match']);

/**
 * A pairs file: `path_a<TAB>path_b[<TAB>label]` per line (label 1/0, genuine/impostor, true/false).
 * A pair listed twice (the same a and b) is refused: it counted twice in every rate. So is a
 * labelled pair of a sample with itself: a perfect genuine score, or an impostor that is the
 * same person (unlabelled, it is only a request for a score).
 */
export async function readPairsFile(path: string): Promise<SamplePair[]> {
  const seen = new Map<string, number>();
  return (await readTextLines(path)).map(({ text, line }) => {
    const cells = text.split('\t');
    if (cells.length < 2 || cells.length > 3 || !cells[0] || !cells[1]) {
      throw new DatasetError(`expected "path_a<TAB>path_b[<TAB>label]", got ${cells.length} column(s)`, path, line);
    }
    if (cells.length === 3 && cells[0] === cells[1]) throw new DatasetError(`labelled pair ${cells[0]}, ${cells[1]} compares a sample with itself`, path, line);
    const key = `${cells[0]}\t${cells[1]}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new DatasetError(`pair ${cells[0]}, ${cells[1]} is listed again (first on line ${earlier})`, path, line);
    seen.set(key, line);
    const source = { path, line };
    if (cells.length === 2) return { a: cells[0], b: cells[1], source };
    const label = cells[2].trim().toLowerCase();
    if (TRUE_LABELS.has(label)) return { a: cells[0], b: cells[1], genuine: true, source };
    if (FALSE_LABELS.has(label)) return { a: cells[0], b: cells[1], genuine: false, source };
    throw new DatasetError(`unknown label "${cells[2]}" (use 1/0, genuine/impostor or true/false)`, path, line);
  });
}

/** Pairs with labels as protocol comparisons (single-sample references). */
export function pairsToComparisons(pairs: readonly SamplePair[]): ProtocolComparison[] {
  return pairs.map((p, i) => {
    if (p.genuine === undefined) {
      throw new DatasetError(`pair ${i + 1} (${p.a}, ${p.b}) has no label; a protocol needs ground truth`, p.source?.path, p.source?.line);
    }
    return { reference: [p.a], probe: p.b, genuine: p.genuine, kind: p.genuine ? 'genuine' : 'impostor' };
  });
}

async function listDir(dir: string) {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.sort((x, y) => byCodeUnits(x.name, y.name));
  } catch (err) {
    throw new DatasetError(`cannot list folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`, dir);
  }
}

/** Whether a listed entry is a folder (or file), following a symbolic link to its target; a broken link is neither. */
async function isKind(dir: string, entry: Dirent, kind: 'directory' | 'file'): Promise<boolean> {
  if (!entry.isSymbolicLink()) return kind === 'directory' ? entry.isDirectory() : entry.isFile();
  const target = await stat(join(dir, entry.name)).catch(() => undefined);
  return target !== undefined && (kind === 'directory' ? target.isDirectory() : target.isFile());
}
