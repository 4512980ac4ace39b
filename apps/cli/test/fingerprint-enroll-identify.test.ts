import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from '@biofuse/core/testing';
import { encodeFingerprintPng, encodeFingerprintTemplate, minutiaSet, synthesizeImpression, synthesizeMasterFingerprint } from '@biofuse/fingerprint';

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');
const tempFolder = temporaryFolders();

function biofuse(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('biofuse fingerprint enroll', () => {
  it('refuses files named beside --folder instead of leaving them out without a word', async () => {
    const dir = await tempFolder('biofuse-cli-fp-enroll-');
    await mkdir(join(dir, 'people', 'finger0'), { recursive: true });
    const master = synthesizeMasterFingerprint(11);
    await writeFile(join(dir, 'people', 'finger0', '1.png'), await encodeFingerprintPng(synthesizeImpression(master, 1)));
    const extra = join(dir, 'extra.png');
    await writeFile(extra, await encodeFingerprintPng(synthesizeImpression(master, 2)));
    const gallery = join(dir, 'prints.db');
    const r = biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--folder', join(dir, 'people'), extra]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--folder enrols the folder's files only/);
    expect(r.stderr).toContain('extra.png');
    // Refused before anything was made.
    expect(existsSync(gallery)).toBe(false);
  }, 60_000);
});

describe('biofuse fingerprint identify', () => {
  it('names a refused probe file once, like compare', async () => {
    const dir = await tempFolder('biofuse-cli-fp-identify-');
    const master = synthesizeMasterFingerprint(12);
    const print = join(dir, 'print.png');
    await writeFile(print, await encodeFingerprintPng(synthesizeImpression(master, 1)));
    const gallery = join(dir, 'prints.db');
    expect(biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--identity', 'someone', print]).code).toBe(0);
    // Two minutiae: a template every comparison would score 0.
    const few = { width: 300, height: 400, dpi: 500, quality: 50, minutiae: minutiaSet([{ x: 10, y: 10, angle: 1, kind: 1, quality: 0 }, { x: 50, y: 60, angle: 2, kind: 2, quality: 0 }]) };
    await writeFile(join(dir, 'few.bfp'), encodeFingerprintTemplate(few));
    const refused = biofuse(['fingerprint', 'identify', 'few.bfp', '--gallery', gallery], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('biofuse: few.bfp: the template holds 2 minutiae (at least 5 are needed)\n');
    // A damaged probe: named once (it was "probe: /abs/probe: ..."), not as an internal error.
    await writeFile(join(dir, 'cut.bfp'), encodeFingerprintTemplate(few).subarray(0, 20));
    const cut = biofuse(['fingerprint', 'identify', 'cut.bfp', '--gallery', gallery], dir);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/^biofuse: cut\.bfp: fingerprint template damaged: its checksum does not match/);
    expect(cut.stderr.match(/cut\.bfp/g)).toHaveLength(1);
    // A usable probe still ranks the gallery.
    const found = biofuse(['fingerprint', 'identify', print, '--gallery', gallery, '-k', '1', '--json']);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).candidates.map((c: { identity: string }) => c.identity)).toEqual(['someone']);
  }, 120_000);

  it('prints a ranked list like compare prints text, and the same JSON as before with --json (it printed JSON only)', async () => {
    const dir = await tempFolder('biofuse-cli-fp-ranked-');
    const gallery = join(dir, 'prints.db');
    const masters = [21, 22].map((seed) => synthesizeMasterFingerprint(seed));
    for (const [k, master] of masters.entries()) {
      await mkdir(join(dir, 'people', `finger-${k + 1}`), { recursive: true });
      await writeFile(join(dir, 'people', `finger-${k + 1}`, '1.png'), await encodeFingerprintPng(synthesizeImpression(master, 1)));
    }
    expect(biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--folder', join(dir, 'people')]).code).toBe(0);
    const probe = join(dir, 'probe.png');
    await writeFile(probe, await encodeFingerprintPng(synthesizeImpression(masters[1], 2)));
    const json = biofuse(['fingerprint', 'identify', probe, '--gallery', gallery, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { threshold: number; candidates: { identity: string; score: number; match: boolean }[] };
    expect(Object.keys(parsed)).toEqual(['sample', 'threshold', 'targetFmr', 'thresholdSource', 'candidates']);
    expect(parsed.candidates.map((c) => [c.identity, c.match])).toEqual([
      ['finger-2', true],
      ['finger-1', false],
    ]);

    const text = biofuse(['fingerprint', 'identify', probe, '--gallery', gallery, '--fmr', '0.01']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`${probe}: 2 candidate(s), best first (accepted at FMR 1 %, threshold 0.0246)`);
    expect(lines[1].split(/\s+/)).toEqual(['identity', 'similarity', 'accepted']);
    const [best, other] = parsed.candidates;
    expect(lines.slice(3).map((l) => l.trim().split(/\s+/))).toEqual([
      ['finger-2', best.score.toFixed(4), 'yes'],
      ['finger-1', other.score.toFixed(4), other.score >= 0.0246 ? 'yes' : 'no'],
      [''],
    ]);
  }, 120_000);
});
