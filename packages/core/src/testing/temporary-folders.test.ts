import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from './temporary-folders';

describe('temporaryFolders', () => {
  const made: string[] = [];
  describe('a block that makes folders', () => {
    const tempFolder = temporaryFolders();
    it('makes fresh folders that stay for the rest of the block', async () => {
      made.push(await tempFolder('biofuse-temp-'), await tempFolder('biofuse-temp-'));
      await writeFile(join(made[0], 'left.txt'), 'x');
      expect(made[0]).not.toBe(made[1]);
    });
    it('still has them in a later test of the block', () => {
      expect(made.map((dir) => existsSync(dir))).toEqual([true, true]);
    });
  });
  it('removes them, with what they hold, once the block has run', () => {
    expect(made).toHaveLength(2);
    expect(made.map((dir) => existsSync(dir))).toEqual([false, false]);
  });
});
