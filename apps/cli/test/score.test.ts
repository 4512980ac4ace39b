import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from '@biofuse/core/testing';
import { synthesizeSignatures, writeSvc2004Folder } from '@biofuse/signature';

const tempFolder = temporaryFolders();

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

function biofuse(args: string[], nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('biofuse score', () => {
  it('exits 2 for a pairs file with no pairs, before writing anything (it wrote a header-only scores.csv and exited 0)', async () => {
    const dir = await tempFolder('biofuse-score-');
    for (const [name, text] of [['empty.tsv', ''], ['comments.tsv', '# path_a\tpath_b\tlabel\r\n\r\n']]) {
      await writeFile(join(dir, name), text);
      const r = biofuse(['score', '--modality', 'signature', '--pairs', join(dir, name), '--root', dir, '--out', join(dir, 'scores.csv'), '--json']);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`biofuse: ${join(dir, name)}: no pairs to score (only blank and # comment lines)\n`);
    }
    expect((await readdir(dir)).sort()).toEqual(['comments.tsv', 'empty.tsv']);
  });

  it('ends its progress bar\'s line before an error on a terminal, as bench does (the message was printed onto the bar)', async () => {
    const dir = await tempFolder('biofuse-score-');
    // The first sample is extracted (and fails to be a signature), so the bar is drawn; the second is missing.
    await writeFile(join(dir, 'a.TXT'), 'not a signature\n');
    await writeFile(join(dir, 'pairs.tsv'), 'a.TXT\tmissing.TXT\n');
    const tty = ['--import', 'data:text/javascript,process.stderr.isTTY=true'];
    const r = biofuse(['score', '--modality', 'signature', '--pairs', join(dir, 'pairs.tsv'), '--root', dir, '--out', join(dir, 'scores.csv'), '--concurrency', '1'], tty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\rextracting \[.*\] 1\/2 50% eta \d+s \nbiofuse: .*missing\.TXT: cannot read the sample file \(ENOENT\)\n$/);
    // ... and so does bench, scoring the same pairs.
    await writeFile(join(dir, 'bench.yaml'), 'id: broken\ndataset: { loader: pairs, root: ., pairs: labelled.tsv }\npipeline: { modality: signature }\n');
    // Bench extracts as many samples at once as there are cores: the missing one comes after three others.
    await writeFile(join(dir, 'labelled.tsv'), 'u1/a.TXT\tu2/a.TXT\t0\nu1/a.TXT\tu3/a.TXT\t0\nu1/a.TXT\tu4/missing.TXT\t0\n');
    for (const u of ['u1', 'u2', 'u3']) {
      await mkdir(join(dir, u));
      await writeFile(join(dir, u, 'a.TXT'), 'not a signature\n');
    }
    const bench = biofuse(['bench', join(dir, 'bench.yaml'), '--data-root', dir, '--results', join(dir, 'results')], tty);
    expect(bench.code).toBe(2);
    expect(bench.stderr).toMatch(/^\rscoring \[.*\] \d\/4 \d+% eta \d+s \nbiofuse: .*missing\.TXT: cannot read the sample file \(ENOENT\)\n$/);
  });

  it('prints d\' as n/a with the reason where both classes have one score each (it printed Infinity, and "Infinity" in JSON)', async () => {
    const dir = await tempFolder('biofuse-score-');
    await writeSvc2004Folder(dir, synthesizeSignatures({ users: 2, genuine: 2, forgeries: 0, seed: 5 }));
    await writeFile(join(dir, 'pairs.tsv'), 'U1S1.TXT\tU1S2.TXT\t1\nU1S1.TXT\tU2S1.TXT\t0\n');
    const args = ['score', '--modality', 'signature', '--pairs', join(dir, 'pairs.tsv'), '--root', dir, '--out', join(dir, 'scores.csv')];
    const why = "d' is undefined: the genuine scores are all equal and so are the impostor scores (zero spread), so there is no spread to divide their difference by";
    const text = biofuse(args);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^signature\s+1\s+1\s.*\sn\/a\s+1\.00000$/m);
    expect(text.stdout).toContain(`\nn/a: ${why}\n`);
    expect(text.stdout).not.toMatch(/Infinity/);
    const json = biofuse([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const { metrics } = JSON.parse(json.stdout) as { metrics: Record<string, unknown> };
    expect(metrics).toMatchObject({ dPrime: null, dPrimeUnavailable: why, auc: 1 });
    expect(json.stdout).not.toMatch(/Infinity/);
  });

  it('removes its temporary scores file when interrupted (Ctrl-C or a kill left scores.csv.partial-<pid> beside it)', async () => {
    const dir = await tempFolder('biofuse-score-');
    // A sample that is a named pipe with no writer: its read never returns, so the run is caught mid-way.
    expect(spawnSync('mkfifo', [join(dir, 'blocked.TXT')]).status).toBe(0);
    await writeFile(join(dir, 'pairs.tsv'), 'blocked.TXT\tblocked.TXT\n');
    await writeFile(join(dir, 'scores.csv'), 'earlier\n');
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const args = ['score', '--modality', 'signature', '--pairs', join(dir, 'pairs.tsv'), '--root', dir, '--out', join(dir, 'scores.csv')];
      const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, s) => done(s)));
      let writing = false;
      for (const started = Date.now(); !writing && Date.now() - started < 30_000; ) {
        writing = (await readdir(dir)).some((n) => n.startsWith('scores.csv.partial-'));
        if (!writing) await new Promise((r) => setTimeout(r, 20));
      }
      expect(writing, signal).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect((await readdir(dir)).sort(), signal).toEqual(['blocked.TXT', 'pairs.tsv', 'scores.csv']);
      expect(await readFile(join(dir, 'scores.csv'), 'utf8')).toBe('earlier\n');
    }
  });
});
