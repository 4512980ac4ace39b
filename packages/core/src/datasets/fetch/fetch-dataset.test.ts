import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../errors';
import type { CatalogEntry } from './catalog';
import { fetchDataset } from './fetch-dataset';
import { temporaryFolders } from '../../testing';

const tempFolder = temporaryFolders();

/** A minimal stored (uncompressed) zip, enough to exercise the reader. */
function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let server: Server;
let base = '';
let work = '';
const served = new Map<string, Buffer>();
const cutOnce = new Set<string>();
const requests: { path: string; range?: string }[] = [];

beforeAll(async () => {
  work = await tempFolder('biofuse-fetch-');
  const src = join(work, 'src');
  await mkdir(join(src, 'lfw/Alice'), { recursive: true });
  await writeFile(join(src, 'lfw/Alice/Alice_0001.jpg'), 'not really a jpeg');
  await tar.c({ gzip: true, file: join(work, 'lfw.tgz'), cwd: src }, ['lfw']);
  served.set('/lfw.tgz', await readFile(join(work, 'lfw.tgz')));
  served.set('/pairs.txt', Buffer.from('1\t1\nAlice\t1\t1\nAlice\t1\tAlice\t1\n'.repeat(200)));
  served.set('/DB1_B.zip', storedZip({ 'DB1_B/101_1.tif': 'tif-bytes-1', 'DB1_B/101_2.tif': 'tif-bytes-2' }));
  served.set('/evil.zip', storedZip({ '../escape.txt': 'x' }));
  served.set('/page/DB1_B.zip', Buffer.from('<html>moved</html>'));
  served.set('/good/DB1_B.zip', served.get('/DB1_B.zip')!);
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, range: req.headers.range });
    // A server that takes the request and never answers.
    if (path.startsWith('/stall/')) return;
    // One that sends half a body and then nothing more.
    if (path.startsWith('/trickle/')) {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(500));
      return;
    }
    const body = served.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416).end();
        return;
      }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else res.writeHead(200, { 'content-length': body.length });
    if (cutOnce.delete(path)) {
      // Send half, then drop the connection: the client must resume, not restart.
      res.write(body.subarray(start, start + Math.floor((body.length - start) / 2)), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

const lfwEntry = (): CatalogEntry => ({
  name: 'lfw',
  title: 'test',
  homepage: base,
  licence: 'test',
  layout: 'images/<Name>/...',
  files: [
    { urls: [`${base}/lfw.tgz`], file: 'lfw.tgz', sha256: sha256(served.get('/lfw.tgz')!), extract: { format: 'tgz', into: 'images' } },
    { urls: [`${base}/missing.txt`, `${base}/pairs.txt`], file: 'pairs.txt', md5: md5(served.get('/pairs.txt')!), saveAs: 'pairs.txt' },
  ],
});

describe('fetchDataset', () => {
  it('downloads, verifies published digests, unpacks and places files, falling back across addresses', async () => {
    const root = join(work, 'root1');
    const report = await fetchDataset(lfwEntry(), { dataRoot: root });
    expect(report.files.map((f) => f.verification)).toEqual(['published-sha256', 'published-md5']);
    expect(await readFile(join(root, 'lfw/images/Alice/Alice_0001.jpg'), 'utf8')).toBe('not really a jpeg');
    expect(await readFile(join(root, 'lfw/pairs.txt'))).toEqual(served.get('/pairs.txt'));
    // A second run finds everything verified and downloads nothing.
    const before = requests.length;
    const again = await fetchDataset(lfwEntry(), { dataRoot: root });
    expect(again.files.every((f) => !f.downloaded)).toBe(true);
    expect(requests.length).toBe(before);
  });

  it('resumes an interrupted download with a Range request', async () => {
    const root = join(work, 'root2');
    cutOnce.add('/pairs.txt');
    const entry = { ...lfwEntry(), files: [lfwEntry().files[1]] };
    await expect(fetchDataset(entry, { dataRoot: root, mirror: base })).rejects.toThrow(/interrupted|of \d+ bytes/);
    const part = join(root, 'lfw/.downloads/pairs.txt.part');
    const partial = (await readFile(part)).length;
    expect(partial).toBeGreaterThan(0);
    const progress: number[] = [];
    const report = await fetchDataset(entry, { dataRoot: root, mirror: base, onProgress: (_f, b) => progress.push(b) });
    expect(report.files[0].verification).toBe('published-md5');
    expect(requests.at(-1)).toEqual({ path: '/pairs.txt', range: `bytes=${partial}-` });
    expect(progress[0]).toBe(partial);
    expect(existsSync(part)).toBe(false);
  });

  it('rejects and removes a file whose digest does not match', async () => {
    const root = join(work, 'root3');
    const entry = { ...lfwEntry(), files: [{ ...lfwEntry().files[0], sha256: '0'.repeat(64) }] };
    await expect(fetchDataset(entry, { dataRoot: root })).rejects.toThrow(FetchError);
    await expect(fetchDataset(entry, { dataRoot: root })).rejects.toThrow(/sha256 mismatch/);
    expect(existsSync(join(root, 'lfw/.downloads/lfw.tgz'))).toBe(false);
    expect(existsSync(join(root, 'lfw/images'))).toBe(false);
  });

  it('records the digest of a file with none published, and unpacks zips without their top folder', async () => {
    const root = join(work, 'root4');
    const messages: string[] = [];
    const entry: CatalogEntry = {
      name: 'fvc2002', title: 't', homepage: base, licence: 't', layout: 't',
      files: [{ urls: [`${base}/DB1_B.zip`], file: 'DB1_B.zip', extract: { format: 'zip', into: 'DB1_B' } }],
    };
    const first = await fetchDataset(entry, { dataRoot: root, onMessage: (m) => messages.push(m) });
    expect(first.files[0].verification).toBe('first-download');
    expect(messages[0]).toMatch(/no published checksum; recorded sha256/);
    expect(await readFile(join(root, 'fvc2002/DB1_B/101_2.tif'), 'utf8')).toBe('tif-bytes-2');
    expect((await fetchDataset(entry, { dataRoot: root })).files[0].verification).toBe('recorded-sha256');
    await writeFile(join(root, 'fvc2002/.biofuse-fetch.json'), '{ not json');
    await expect(fetchDataset(entry, { dataRoot: root })).rejects.toThrow(/is damaged; delete it/);
  });

  it('removes a download that does not unpack, so the next run fetches it anew, and announces a digest only once recorded', async () => {
    const root = join(work, 'root7');
    const entry: CatalogEntry = {
      name: 'fvc2002', title: 't', homepage: base, licence: 't', layout: 't',
      files: [{ urls: [`${base}/DB1_B.zip`], file: 'DB1_B.zip', extract: { format: 'zip', into: 'DB1_B' } }],
    };
    const messages: string[] = [];
    // A mirror that answers with a web page: before, the page was kept and every later run failed on it.
    await expect(fetchDataset(entry, { dataRoot: root, mirror: `${base}/page`, onMessage: (m) => messages.push(m) })).rejects.toThrow(/not a readable \.zip .*the download was removed, run again/);
    expect(messages).toEqual([]);
    expect(existsSync(join(root, 'fvc2002/.downloads/DB1_B.zip'))).toBe(false);
    const report = await fetchDataset(entry, { dataRoot: root, mirror: `${base}/good`, onMessage: (m) => messages.push(m) });
    expect(report.files[0]).toMatchObject({ downloaded: true, extracted: 2 });
    expect(messages[0]).toMatch(/recorded sha256/);
    // A data root that is a file: a typed error naming it, not an internal ENOTDIR.
    await writeFile(join(work, 'a-file'), 'x');
    await expect(fetchDataset(entry, { dataRoot: join(work, 'a-file') })).rejects.toThrow(/a-file\/fvc2002\/.downloads: cannot create the download folder \(ENOTDIR\)/);
  });

  it('gives up on a server that sends nothing for the idle timeout, before headers or in the body, saying so', async () => {
    const entry = { ...lfwEntry(), files: [lfwEntry().files[1]] };
    for (const mirror of [`${base}/stall`, `${base}/trickle`]) {
      const started = Date.now();
      await expect(fetchDataset(entry, { dataRoot: join(work, 'root8'), mirror, idleTimeoutMs: 300 })).rejects.toThrow(/the server sent nothing for 300 ms \(run again to resume\)/);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('refuses archive entries that escape the target folder', async () => {
    const entry: CatalogEntry = {
      name: 'evil', title: 't', homepage: base, licence: 't', layout: 't',
      files: [{ urls: [`${base}/evil.zip`], file: 'evil.zip', extract: { format: 'zip', into: '.' } }],
    };
    await expect(fetchDataset(entry, { dataRoot: join(work, 'root5') })).rejects.toThrow(FetchError);
    expect(existsSync(join(work, 'root5/escape.txt'))).toBe(false);
  });

  it('explains datasets that must be fetched by hand, and unreachable servers', async () => {
    const manual: CatalogEntry = { name: 'm', title: 't', homepage: 'https://example.org', licence: 't', layout: 't', files: [], manual: 'accept the terms first' };
    await expect(fetchDataset(manual, { dataRoot: work })).rejects.toThrow(/cannot be fetched by a script: accept the terms/);
    const entry = { ...lfwEntry(), files: [{ ...lfwEntry().files[1], urls: [`${base}/nothing-here`] }] };
    await expect(fetchDataset(entry, { dataRoot: join(work, 'root6') })).rejects.toThrow(/HTTP 404/);
  });
});
