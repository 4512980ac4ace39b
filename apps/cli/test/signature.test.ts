import { spawnSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeSignatures, writeSvc2004Folder } from '@biofuse/signature';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

function biofuse(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
const at = (u: number, s: number) => join(dir, 'sigs', `U${u}S${s}.TXT`);
beforeAll(async () => {
  dir = await tempFolder('biofuse-cli-signature-');
  await writeSvc2004Folder(join(dir, 'sigs'), synthesizeSignatures({ seed: 9, users: 2, genuine: 6, forgeries: 0 }));
});

describe('biofuse signature', () => {
  it('names the reference files that are copies of one signature instead of enrolling them', async () => {
    // The copy was another reference's nearest at distance 0: the writer's scale shrank and genuine probes were rejected.
    const copy = join(dir, 'U1S1-copy.TXT');
    await copyFile(at(1, 1), copy);
    const verify = biofuse(['signature', 'verify', at(1, 6), at(1, 1), copy, at(1, 2), at(1, 3), at(1, 4), '--json']);
    expect(verify.code).toBe(2);
    expect(verify.stdout).toBe('');
    expect(verify.stderr).toBe(`biofuse: the same signature is enrolled more than once (DTW distance 0): ${at(1, 1)} and ${copy}. Enrol distinct recordings of the writer\n`);

    const writers = join(dir, 'writers');
    for (const u of [1, 2]) {
      await mkdir(join(writers, `writer-${u}`), { recursive: true });
      for (let s = 1; s <= 5; s++) await copyFile(at(u, s), join(writers, `writer-${u}`, `S${s}.TXT`));
    }
    await copyFile(at(2, 3), join(writers, 'writer-2', 'S3-again.TXT'));
    const identify = biofuse(['signature', 'identify', at(1, 6), '--writers', writers]);
    expect(identify.code).toBe(2);
    expect(identify.stderr).toBe(
      `biofuse: the same signature is enrolled more than once (DTW distance 0): ${join(writers, 'writer-2', 'S3-again.TXT')} and ${join(writers, 'writer-2', 'S3.TXT')}. Enrol distinct recordings of the writer\n`,
    );
  }, 120_000);

  it('identify: prints a ranked list like compare and verify print text, and the same JSON as before with --json (it printed JSON only)', async () => {
    const writers = join(dir, 'writers-ranked');
    for (const u of [1, 2]) {
      await mkdir(join(writers, `writer-${u}`), { recursive: true });
      for (let s = 1; s <= 5; s++) await copyFile(at(u, s), join(writers, `writer-${u}`, `S${s}.TXT`));
    }
    const json = biofuse(['signature', 'identify', at(2, 6), '--writers', writers, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { threshold: number; targetFmr: number; candidates: { writer: string; similarity: number; accepted: boolean }[]; search: { writers: number } };
    expect(Object.keys(parsed)).toEqual(['probe', 'threshold', 'targetFmr', 'thresholdSource', 'candidates', 'search']);
    expect(parsed.candidates.map((c) => c.writer)).toEqual(['writer-2', 'writer-1']);
    expect(parsed.search.writers).toBe(2);

    const text = biofuse(['signature', 'identify', at(2, 6), '--writers', writers]);
    expect(text.code, text.stderr).toBe(0);
    const [first, second] = parsed.candidates;
    const yesNo = (accepted: boolean) => (accepted ? 'yes' : 'no');
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`${at(2, 6)}: 2 candidate(s), best first (accepted at FMR 5 %, threshold ${parsed.threshold})`);
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/))).toEqual([
      ['identity', 'similarity', 'accepted'],
      ['--------', '----------', '--------'],
    ]);
    expect(lines.slice(3).map((l) => l.trim().split(/\s+/))).toEqual([
      ['writer-2', first.similarity.toFixed(4), yesNo(first.accepted)],
      ['writer-1', second.similarity.toFixed(4), yesNo(second.accepted)],
      [''],
    ]);
    expect(first.accepted).toBe(true);
  }, 120_000);
});
