/**
 * The public datasets a user may fetch themselves, from their official addresses (or the
 * mirror the community verifies against, where the official host is gone), with the
 * published digests where they exist. Where none is published, the first download's sha256
 * is recorded and later downloads must match it.
 */
export interface RemoteFile {
  /** Tried in order until one answers. */
  readonly urls: readonly string[];
  /** Name of the downloaded file inside `<dataset>/.downloads/`. */
  readonly file: string;
  readonly bytes?: number;
  readonly sha256?: string;
  readonly md5?: string;
  /** Unpack an archive into a folder of the dataset (relative), or keep the file at `saveAs`. */
  readonly extract?: { readonly format: 'zip' | 'tgz'; readonly into: string };
  readonly saveAs?: string;
}

export interface CatalogEntry {
  readonly name: string;
  readonly title: string;
  readonly homepage: string;
  readonly licence: string;
  /** The layout the loaders expect once fetched, relative to `<data root>/<name>/`. */
  readonly layout: string;
  readonly files: readonly RemoteFile[];
  /** Set when the data cannot be fetched by a script: what the user has to do instead. */
  readonly manual?: string;
}

const FVC2002 = 'http://bias.csr.unibo.it/fvc2002/Downloads';

export const DATASET_CATALOG: readonly CatalogEntry[] = [
  {
    name: 'lfw',
    title: 'Labeled Faces in the Wild (original images) and the View 2 pairs',
    homepage: 'http://vis-www.cs.umass.edu/lfw/',
    licence: 'research use; the images belong to their photographers',
    layout: 'images/<Name>/<Name>_<NNNN>.jpg and pairs.txt (10 folds of 300 + 300 pairs)',
    files: [
      {
        // The UMass host no longer resolves; scikit-learn's figshare mirror is byte-identical (same MD5 as UMass published).
        urls: ['https://ndownloader.figshare.com/files/5976018', 'http://vis-www.cs.umass.edu/lfw/lfw.tgz'],
        file: 'lfw.tgz',
        bytes: 180_566_744,
        sha256: '055f7d9c632d7370e6fb4afc7468d40f970c34a80d4c6f50ffec63f5a8d536c0',
        extract: { format: 'tgz', into: 'images' },
      },
      {
        urls: ['https://ndownloader.figshare.com/files/5976006', 'http://vis-www.cs.umass.edu/lfw/pairs.txt'],
        file: 'pairs.txt',
        bytes: 155_335,
        md5: '9f1ba174e4e1c508ff7cdf10ac338a7d',
        saveAs: 'pairs.txt',
      },
    ],
  },
  {
    name: 'fvc2002',
    title: 'FVC2002 fingerprint databases, the free B sets (10 fingers x 8 impressions each)',
    homepage: 'http://bias.csr.unibo.it/fvc2002/',
    licence: 'free download for research from the University of Bologna',
    layout: 'DB1_B .. DB4_B/<finger>_<impression>.tif',
    files: [1, 2, 3, 4].map((i) => ({
      urls: [`${FVC2002}/DB${i}_B.zip`],
      file: `DB${i}_B.zip`,
      extract: { format: 'zip' as const, into: `DB${i}_B` },
    })),
  },
  {
    name: 'svc2004-task2',
    title: 'SVC2004 Task 2 online signatures (40 users, 20 genuine + 20 skilled forgeries)',
    homepage: 'https://www.cse.ust.hk/svc2004/',
    licence: 'research use, as released by the competition organisers',
    layout: 'U<user>S<signature>.TXT',
    files: [{ urls: ['http://www.cse.ust.hk/svc2004/Task2.zip'], file: 'Task2.zip', extract: { format: 'zip', into: '.' } }],
  },
  {
    name: 'nist-bssr1-set1',
    title: 'NIST Biometric Scores Set Release 1, Set 1 (517 subjects, 2 face + 2 finger matchers)',
    homepage: 'https://www.nist.gov/itl/iad/image-group/nist-biometric-scores-set-bssr1',
    licence: 'NIST public release, under the terms on its page',
    layout: 'face-C.csv, face-G.csv, finger-left.csv, finger-right.csv: 518 x 518 CSV, ids in row and column 0',
    files: [],
    manual:
      'NIST distributes BSSR1 from its page as a bzip2 tar archive of per-user similarity files, with a published md5. ' +
      'biofuse does not yet convert that layout into the 518 x 518 matrices its score-matrix loader reads; until it does, ' +
      'download it there and write each Set 1 matcher as a square CSV (first row and column: subject ids in the same order; cell i,j = probe i vs reference j) named as in the layout.',
  },
];

export function catalogEntry(name: string): CatalogEntry | undefined {
  return DATASET_CATALOG.find((e) => e.name === name);
}
