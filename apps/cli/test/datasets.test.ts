import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

/** Runs the CLI without blocking this process, so the test's HTTP server can answer it. */
function biofuse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// LFW's lfw.tgz has a published sha256; this mirror serves other bytes under its name, so a
// correct fetch must refuse them and keep nothing.
const fakeArchive = Buffer.from('not the LFW archive\n');
let server: Server;
let base = '';
let root = '';

beforeAll(async () => {
  root = await tempFolder('biofuse-cli-fetch-');
  server = createServer((req, res) => {
    if (req.url === '/lfw.tgz') res.writeHead(200, { 'content-length': fakeArchive.length }).end(fakeArchive);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('biofuse datasets', () => {
  it('lists the catalog', async () => {
    const r = await biofuse(['datasets', 'list', '--json']);
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.stdout) as { name: string }[]).map((e) => e.name);
    expect(names).toEqual(['lfw', 'fvc2002', 'svc2004-task2', 'nist-bssr1-set1']);
  });

  it('refuses a download whose checksum does not match, with exit code 2', async () => {
    const r = await biofuse(['datasets', 'fetch', 'lfw', '--data-root', root, '--mirror', base]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lfw\.tgz: sha256 mismatch \(expected 055f7d9c/);
    expect(existsSync(join(root, 'lfw/.downloads/lfw.tgz'))).toBe(false);
    expect(existsSync(join(root, 'lfw/images'))).toBe(false);
  });

  it('exits 1 for an unknown dataset and 2 for one that must be fetched by hand', async () => {
    expect((await biofuse(['datasets', 'fetch', 'nope', '--data-root', root])).code).toBe(1);
    const manual = await biofuse(['datasets', 'fetch', 'nist-bssr1-set1', '--data-root', root]);
    expect(manual.code).toBe(2);
    expect(manual.stderr).toMatch(/cannot be fetched by a script/);
  });

  it('exits 1 for a --mirror that is no http(s) address, before making any folder (it failed as a download, exit 2)', async () => {
    for (const mirror of ['not a url', '/srv/mirror', 'ftp://example.org/sets']) {
      const r = await biofuse(['datasets', 'fetch', 'svc2004-task2', '--data-root', root, '--mirror', mirror]);
      expect(r.code, mirror).toBe(1);
      expect(r.stderr).toBe(`biofuse: --mirror must be an http:// or https:// address, got "${mirror}"\n`);
    }
    expect(existsSync(join(root, 'svc2004-task2'))).toBe(false);
  });

});
