import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { temporaryFolders } from '../testing';
import { readPairsFile } from './generic';

const tempFolder = temporaryFolders();

describe('pairs file', () => {
  it('refuses a pair listed twice, naming both lines (it counted twice in every rate)', async () => {
    const dir = await tempFolder('biofuse-pairs-');
    const file = join(dir, 'pairs.tsv');
    // Both directions are two comparisons, and may both be wanted.
    await writeFile(file, 'a.jpg\tb.jpg\t1\nb.jpg\ta.jpg\t1\nc.jpg\td.jpg\t0\n');
    expect((await readPairsFile(file)).length).toBe(3);
    await writeFile(file, 'a.jpg\tb.jpg\t1\nc.jpg\td.jpg\t0\n# again\na.jpg\tb.jpg\tgenuine\n');
    const err = await readPairsFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ path: file, line: 4, detail: 'pair a.jpg, b.jpg is listed again (first on line 1)' });
  });
});
