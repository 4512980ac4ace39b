import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { temporaryFolders } from '@biofuse/core/testing';
import { writeSyntheticFvcDataset } from './write-fvc-dataset';

/** Called as each finger's master print is started. */
let onMaster: (() => void) | undefined;

vi.mock('./master-print', async (importOriginal) => {
  const original = await importOriginal<typeof import('./master-print')>();
  return {
    ...original,
    synthesizeMasterFingerprint: (...args: Parameters<typeof original.synthesizeMasterFingerprint>) => {
      onMaster?.();
      return original.synthesizeMasterFingerprint(...args);
    },
  };
});

describe('writeSyntheticFvcDataset, finger by finger', () => {
  const tempFolder = temporaryFolders();
  afterAll(() => {
    onMaster = undefined;
  });

  it('has written every earlier finger, and let the event loop run, before it makes the next', async () => {
    // All writes were once queued to the end: 0 files for a minute, then all at once, every
    // image held in memory, and a Ctrl-C not handled until then.
    const dir = await tempFolder('biofuse-synthetic-stream-');
    const out = join(dir, 'set');
    const onDisk: number[] = [];
    let loopTurns = 0;
    onMaster = () => {
      onDisk.push(readdirSync(out).filter((f) => f.endsWith('.png')).length);
      setImmediate(() => loopTurns++);
    };
    await writeSyntheticFvcDataset(out, { fingers: 3, impressions: 2, seed: 4, width: 128, height: 128 });
    expect(onDisk).toEqual([0, 2, 4]);
    expect(loopTurns).toBe(3);
  }, 60_000);
});
