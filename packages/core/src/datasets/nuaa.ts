import { DatasetError } from '../errors';
import { readTextLines } from './text-lines';

/** A presentation for PAD evaluation: bona fide or an attack of a named PAI species. */
export interface PadPresentation {
  readonly path: string;
  readonly bonaFide: boolean;
  /** The PAI species of an attack (e.g. 'print_photo'); undefined for bona fide. */
  readonly species?: string;
  readonly split?: string;
  readonly subject?: string;
}

/**
 * A NUAA-style PAD manifest: CSV with a header naming at least `relpath` and `label`
 * (`bona_fide` or `attack_<species>`), optionally `split` and `subject_id`. A relpath listed
 * twice is refused.
 */
export async function readPadManifest(path: string): Promise<PadPresentation[]> {
  const lines = await readTextLines(path);
  if (lines.length === 0) throw new DatasetError('empty manifest', path);
  const header = lines[0].text.split(',').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const iPath = col('relpath');
  const iLabel = col('label');
  if (iPath < 0 || iLabel < 0) throw new DatasetError('header must name "relpath" and "label" columns', path, lines[0].line);
  const iSplit = col('split');
  const iSubject = col('subject_id');
  const seen = new Map<string, number>();
  return lines.slice(1).map(({ text, line }) => {
    const cells = text.split(',');
    if (cells.length !== header.length) {
      throw new DatasetError(`expected ${header.length} cells, got ${cells.length}`, path, line);
    }
    // Listed twice, a presentation counted twice in APCER or BPCER.
    const relpath = cells[iPath].trim();
    // An empty path named the dataset's folder, which then failed to decode as an image far from this line.
    if (relpath === '') throw new DatasetError('relpath is empty', path, line);
    const earlier = seen.get(relpath);
    if (earlier !== undefined) throw new DatasetError(`presentation ${relpath} is listed again (first on line ${earlier})`, path, line);
    seen.set(relpath, line);
    const label = cells[iLabel].trim();
    let bonaFide: boolean;
    let species: string | undefined;
    if (label === 'bona_fide') bonaFide = true;
    else if (label.startsWith('attack_') && label.length > 7) {
      bonaFide = false;
      species = label.slice(7);
    } else throw new DatasetError(`label "${label}" is neither bona_fide nor attack_<species>`, path, line);
    return {
      path: relpath,
      bonaFide,
      species,
      split: iSplit >= 0 ? cells[iSplit].trim() : undefined,
      subject: iSubject >= 0 ? cells[iSubject].trim() : undefined,
    };
  });
}
