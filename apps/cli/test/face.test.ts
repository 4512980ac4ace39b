import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataset, temporaryFolders } from '@biofuse/core/testing';

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');
const CARDS = resolve(import.meta.dirname, '../../../packages/face/cards');

function biofuse(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lfw = sharedDataset('lfw');

describe.skipIf(lfw.skip)('biofuse face: options and files', () => {
  const gul = join(lfw.path, 'images/Abdullah_Gul/Abdullah_Gul_0001.jpg');
  const tempFolder = temporaryFolders();
  let dir = '';
  beforeAll(async () => {
    dir = await tempFolder('biofuse-cli-face-');
  });

  it('detect: --expand widens the aligned crops too (they were identical at 0 and 100), and is checked against the shared range', async () => {
    const crop = async (name: string, extra: string[]) => {
      const out = join(dir, name);
      const r = biofuse(['face', 'detect', gul, '--out', out, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return readFile(join(out, 'face-1.png'));
    };
    const [plain, zero, wide] = [await crop('plain', []), await crop('zero', ['--expand', '0']), await crop('wide', ['--expand', '100'])];
    expect(Buffer.compare(plain, zero)).toBe(0);
    expect(Buffer.compare(plain, wide)).not.toBe(0);
    const refused = biofuse(['face', 'detect', gul, '--expand', '250', '--out', join(dir, 'refused')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--expand must be a percentage in 0-200, got "250"/);
    // An --out that cannot be written fails as a data error before the image is read (this one does not exist).
    await writeFile(join(dir, 'a-file'), '');
    const blocked = biofuse(['face', 'detect', join(dir, 'missing.jpg'), '--out', join(dir, 'a-file')]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/a-file: is a file, not a folder to write into/);
  }, 120_000);

  it('identify: refuses a --threshold outside the cosine range, as verify does', async () => {
    const gallery = join(dir, 'people.db');
    expect(biofuse(['enroll', '--gallery', gallery, '--identity', 'gul', gul]).code).toBe(0);
    const r = biofuse(['identify', join(lfw.path, 'images/Abdullah_Gul/Abdullah_Gul_0002.jpg'), '--gallery', gallery, '--threshold', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a cosine threshold is a similarity in \[-1, 1\], got 5/);
  }, 120_000);

  it('enroll: refuses images named beside --folder (they were left out without a word) before a gallery is made', async () => {
    const gallery = join(dir, 'beside.db');
    const people = join(dir, 'people-beside');
    await mkdir(join(people, 'gul'), { recursive: true });
    await copyFile(gul, join(people, 'gul', 'a.jpg'));
    const r = biofuse(['enroll', '--gallery', gallery, '--folder', people, gul]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--folder enrols the folder's images only; give the other images \(.*Abdullah_Gul_0001\.jpg\) with --identity/);
    expect(existsSync(gallery)).toBe(false);
  }, 120_000);

  it('represent: prints the model\'s name as before and the digest of its weights apart (templates of a model retrained under that name are refused)', () => {
    const r = biofuse(['face', 'represent', gul, '--detector', 'skip']);
    expect(r.code, r.stderr).toBe(0);
    const [face] = JSON.parse(r.stdout) as { model: string; digest: string; embedding: number[] }[];
    expect(face.model).toBe('dlib-resnet/aligned');
    expect(face.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(face.embedding).toHaveLength(128);
  }, 120_000);

  it('a model card whose ONNX file is missing is a data error naming the file (it was "face is not available", exit 1)', async () => {
    const card = join(dir, 'gone.json');
    await writeFile(
      card,
      JSON.stringify({
        name: 'gone',
        description: 'an ONNX model whose file is missing',
        source: { kind: 'onnx', path: 'gone.onnx' },
        input: { width: 112, height: 112, colourOrder: 'rgb', layout: 'nchw', mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
        alignment: { template: 'arcface' },
        embeddingSize: 512,
      }),
    );
    const r = biofuse(['face', 'verify', gul, gul, '--model', card, '--threshold', '0.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'gone.onnx')}: cannot read the ONNX model of gone (ENOENT)`);
    expect(r.stderr).not.toMatch(/not available/);
  }, 120_000);

  it('calibrate --write refuses a set where no threshold accepts a genuine pair at FMR = 1e-3, and leaves the card alone', async () => {
    // The same photo under two identities: impostor scores tie with genuine ones, and the
    // threshold came out +Infinity, written into the card as null (every later command failed on it).
    const ids = join(dir, 'ids');
    for (const who of ['a', 'b']) {
      await mkdir(join(ids, who), { recursive: true });
      for (let i = 0; i < 32; i++) await copyFile(gul, join(ids, who, `${i}.jpg`));
    }
    const card = join(dir, 'dlib-copy.json');
    await copyFile(join(CARDS, 'dlib-resnet.json'), card);
    const before = await readFile(card, 'utf8');
    const r = biofuse(['face', 'calibrate', '--identities', ids, '--model', card, '--write']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/calibration failed for cosine: at FMR = 1e-3 every one of the 992 genuine comparisons is rejected \(FNMR = 1/);
    expect(await readFile(card, 'utf8')).toBe(before);
  }, 180_000);
});

describe('biofuse face detect: options that do not apply', () => {
  it('refuses --flip, which changes embeddings only (detect took it and did nothing), and does not list it', () => {
    // Refused before the image is read: no dataset needed.
    const r = biofuse(['face', 'detect', 'no-such-image.jpg', '--flip']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--flip changes embeddings only .*detect embeds nothing: drop --flip/);
    const help = biofuse(['face', 'detect', '--help']);
    expect(help.stdout).toMatch(/--min-face-size|--out|--json/);
    expect(help.stdout).not.toMatch(/--flip/);
    expect(biofuse(['face', 'represent', '--help']).stdout).toMatch(/--flip/);
  }, 120_000);
});
