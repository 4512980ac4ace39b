import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { temporaryFolders } from '../testing';
import { readPadManifest } from './nuaa';

const tempFolder = temporaryFolders();

describe('PAD manifest', () => {
  it('refuses a presentation listed twice, naming both lines (it counted twice in APCER or BPCER)', async () => {
    const dir = await tempFolder('biofuse-pad-');
    const file = join(dir, 'manifest.csv');
    await writeFile(file, 'relpath,label,split\na.jpg,bona_fide,test\nb.jpg,attack_print_photo,test\n');
    expect((await readPadManifest(file)).map((p) => p.path)).toEqual(['a.jpg', 'b.jpg']);
    await writeFile(file, 'relpath,label,split\na.jpg,bona_fide,test\nb.jpg,attack_print_photo,test\nb.jpg ,attack_print_photo,test\n');
    const err = await readPadManifest(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ path: file, line: 4, detail: 'presentation b.jpg is listed again (first on line 3)' });
  });
});
