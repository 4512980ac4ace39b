import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataset, temporaryFolders } from '@biofuse/core/testing';
import { encodeFingerprintPng, loadFingerprintImage, readIsoRecord, synthesizeImpression, synthesizeMasterFingerprint, type FingerprintImage } from '@biofuse/fingerprint';

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

function biofuse(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tempFolder = temporaryFolders();
let dir = '';
beforeAll(async () => {
  dir = await tempFolder('biofuse-cli-fp-');
});

describe('biofuse fingerprint extract --debug-dir', () => {
  it('writes the stages made before a failure, and clears an earlier run\'s stage images only', async () => {
    const blank = join(dir, 'blank.png');
    await writeFile(blank, await encodeFingerprintPng({ width: 300, height: 300, dpi: 500, pixels: new Uint8Array(300 * 300).fill(255) }));
    const stagesDir = join(dir, 'stages');
    await mkdir(stagesDir);
    // An earlier run's stages (they stayed, looking like this run's), and files that are no stages.
    for (const name of ['09-skeleton.png', '10-minutiae.png', 'notes.txt', '1-mine.png', 'ab-c.png']) await writeFile(join(stagesDir, name), 'x');
    const r = biofuse(['fingerprint', 'extract', blank, '--debug-dir', stagesDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no ridge area found/);
    expect(r.stderr).toMatch(/4 stage image\(s\), up to the failure, written to/);
    expect((await readdir(stagesDir)).sort()).toEqual(['01-input.png', '02-orientation.png', '03-coherence.png', '04-segmentation.png', '1-mine.png', 'ab-c.png', 'notes.txt']);
    expect(await loadFingerprintImage(join(stagesDir, '01-input.png'))).toMatchObject({ width: 300, height: 300 });
  });

  const lfw = sharedDataset('lfw/images');
  it.skipIf(lfw.skip)('refuses a face photo that passed as a print of quality 87', () => {
    const r = biofuse(['fingerprint', 'extract', join(lfw.path, 'Ricardo_Lagos', 'Ricardo_Lagos_0001.jpg'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/% of the area varies mostly more slowly than any ridge \(a photo, not a print\)/);
    expect(r.stderr).toMatch(/Ricardo_Lagos_0001\.jpg: /);
  });
});

describe('biofuse fingerprint extract --dpi 4000 --out x.iso', () => {
  it('writes a record that reads back (4000 dpi was written as 1575 px/cm, read as 4001 dpi and refused)', async () => {
    const print = synthesizeImpression(synthesizeMasterFingerprint(5), 1);
    const big = join(dir, 'print-4000dpi.png');
    await writeFile(big, await encodeFingerprintPng(upscaled(print, 8)));
    const out = join(dir, 'print.iso');
    const r = biofuse(['fingerprint', 'extract', big, '--dpi', '4000', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readIsoRecord(new Uint8Array(await readFile(out)))).toMatchObject({ xResolutionPpcm: 1574, dpi: 3998 });
    expect(biofuse(['fingerprint', 'compare', out, big, '--dpi', '4000', '--json']).code).toBe(0);
  });
});

/** Bilinear enlargement: the same finger as a sensor `factor` times finer would scan it. */
function upscaled(image: FingerprintImage, factor: number): FingerprintImage {
  const width = image.width * factor;
  const height = image.height * factor;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const at = (xx: number, yy: number) => image.pixels[yy * image.width + xx];
      const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * (sx - x0);
      const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * (sx - x0);
      pixels[y * width + x] = Math.round(top + (bottom - top) * (sy - y0));
    }
  }
  return { width, height, dpi: image.dpi * factor, pixels };
}

describe('biofuse synth fingerprints', () => {
  it('writes as it goes and stops at Ctrl-C, leaving nothing behind', async () => {
    // 200 fingers take minutes. Every image was once held back to the end (0 files for a
    // minute, then all at once) and the process did not answer Ctrl-C until then.
    const out = join(dir, 'synth-interrupted');
    const child = spawn(process.execPath, [BIN, 'synth', 'fingerprints', '--out', out, '--fingers', '200', '--impressions', '8'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    const partial = () => readdir(dir).then((names) => names.find((n) => n.startsWith('synth-interrupted.partial-')));
    let written = 0;
    for (const started = Date.now(); written === 0 && Date.now() - started < 30_000; ) {
      const name = await partial();
      written = name === undefined ? 0 : (await readdir(join(dir, name)).catch(() => [])).length;
      if (written === 0) await new Promise((r) => setTimeout(r, 50));
    }
    if (written === 0) {
      // Not answering (the failure this test is for): stop it for good rather than leave it running.
      child.kill('SIGKILL');
      await exited;
    }
    expect(written).toBeGreaterThan(0);
    child.kill('SIGINT');
    const sent = Date.now();
    expect(await exited).toBe('SIGINT');
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(await readdir(out).catch(() => [])).toEqual([]);
    expect((await readdir(dir)).filter((n) => n.startsWith('synth-interrupted.'))).toEqual([]);
  }, 90_000);
});
