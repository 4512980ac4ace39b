import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataset, sharedDatasetsRoot, temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

function biofuse(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
beforeAll(async () => {
  dir = await tempFolder('biofuse-cli-');
  await writeFile(
    join(dir, 'tiny.yaml'),
    `id: tiny
seed: 3
dataset:
  loader: simulated-scores
  subjects: 200
  impostorsPerSubject: 10
  modalities:
    - { name: m, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }
`,
  );
  await writeFile(
    join(dir, 'tiny2.yaml'),
    `id: tiny2
seed: 4
dataset:
  loader: simulated-scores
  subjects: 120
  impostorsPerSubject: 30
  modalities:
    - { name: p, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }
    - { name: q, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }
`,
  );
  await writeFile(join(dir, 'invalid.yaml'), 'dataset: { loader: nope }\n');
  await writeFile(join(dir, 'missing-data.yaml'), 'dataset: { loader: score-matrix, root: nowhere, systems: { x: x.csv } }\n');
  await writeFile(join(dir, 'pairs.tsv'), 'a.jpg\tb.jpg\t1\n');
});

describe('biofuse CLI', () => {
  it('prints help for every command with exit code 0', () => {
    for (const args of [['--help'], ['bench', '--help'], ['report', '--help'], ['score', '--help'], ['fuse', '--help'], ['datasets', '--help'], ['datasets', 'fetch', '--help'], ['synth', 'signatures', '--help'], ['signature', '--help'], ['signature', 'identify', '--help']]) {
      const r = biofuse(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: biofuse/);
    }
  });

  it('exits 1 on usage errors', () => {
    expect(biofuse(['nonsense']).code).toBe(1);
    expect(biofuse(['score', '--modality', 'face']).code).toBe(1); // missing required options
    const bad = biofuse(['bench', join(dir, 'invalid.yaml'), '--results', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid.yaml: invalid experiment config/);
    // `help` with a topic that is no command names it (commander printed the whole help and nothing else).
    const help = biofuse(['face', 'help', 'bogus']);
    expect(help.code).toBe(1);
    expect(help.stderr).toBe('biofuse: no command "bogus" to help with (commands of face: verify, represent, detect, calibrate)\n');
    expect(biofuse(['bench', join(dir, 'tiny.yaml'), '--fingerprint', '--json']).stderr).toMatch(/--fingerprint .* has no --json form/);
  });

  it('says in one line, exit 2, that its output cannot be written (a full disk printed a stack trace, exit 1)', async () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" datasets list > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('biofuse: cannot write to standard output (ENOSPC)\n');
    await mkdir(join(dir, 'no-prints'), { recursive: true });
    const empty = biofuse(['fingerprint', 'quality', join(dir, 'no-prints')]);
    expect(empty.code).toBe(2); // no images is the data's fault, as for enrolment (it was a usage error)
    expect(empty.stderr).toMatch(/no images \(.*\) in .*no-prints/);
  });

  it('exits 2 on data errors, naming the file', async () => {
    const r = biofuse(['bench', join(dir, 'missing-data.yaml'), '--results', dir, '--data-root', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nowhere\/x\.csv: cannot read score matrix/);
    // ... the same for the data fingerprint the Nx cache keys on: not the hash of no files.
    // With --json, the runs that finished before the failing config are still reported.
    const partial = biofuse(['bench', join(dir, 'tiny.yaml'), join(dir, 'missing-data.yaml'), '--results', dir, '--data-root', dir, '--json']);
    expect(partial.code).toBe(2);
    expect((JSON.parse(partial.stdout) as { experiment: string }[]).map((r) => r.experiment)).toEqual(['tiny']);
    const fp = biofuse(['bench', join(dir, 'missing-data.yaml'), '--fingerprint', '--data-root', dir]);
    expect(fp.code).toBe(2);
    expect(fp.stderr).toMatch(/nowhere\/x\.csv: no such data file/);
    const noConfig = biofuse(['bench', join(dir, 'no-such-config.yaml')]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/no-such-config\.yaml: cannot read config \(ENOENT\)/);
    // A results folder that cannot be made fails before the work, in one line.
    await writeFile(join(dir, 'a-file'), 'x');
    const results = biofuse(['bench', join(dir, 'tiny.yaml'), '--results', join(dir, 'a-file')]);
    expect(results.code).toBe(2);
    expect(results.stderr).toMatch(/^biofuse: .*a-file\/tiny: cannot create the results folder \(ENOTDIR\)\n$/);
  });

  it('runs a config, prints the table and the DET page, and compares runs', async () => {
    const r = biofuse(['bench', join(dir, 'tiny.yaml'), '--results', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^m\s+200\s+2000\s+0\.00\s+\d+\.\d\d/m);
    const page = /DET page: (.+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(existsSync(page)).toBe(true);
    const json = biofuse(['bench', join(dir, 'tiny.yaml'), '--results', dir, '--json']);
    const parsed = JSON.parse(json.stdout) as { evaluations: { name: string; eer: { value: number } }[]; runDir: string };
    expect(parsed.evaluations[0].name).toBe('m');
    expect(parsed.evaluations[0].eer.value).toBeGreaterThan(0.1);
    const runA = resolve(page, '..');
    const out = join(dir, 'overlay.html');
    const rep = biofuse(['report', runA, parsed.runDir, '--out', out, '--figure', join(dir, 'overlay.png')]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(/EER %/);
    expect(await readFile(out, 'utf8')).toContain('Plotly.newPlot');
    // The overlay as a static figure: a PNG at twice the figure's 820 x 680, or the SVG itself.
    const png = await readFile(join(dir, 'overlay.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1640, 1360]);
    expect(biofuse(['report', runA, '--out', out, '--figure', join(dir, 'overlay.svg')]).code).toBe(0);
    expect(await readFile(join(dir, 'overlay.svg'), 'utf8')).toMatch(/^<svg [^>]*width="820" height="680"/);
    expect(rep.stdout).toContain(`DET figure: ${join(dir, 'overlay.png')}`);
    // The figure at the page's own path (spelt another way): refused before anything is written.
    const same = biofuse(['report', runA, '--out', join(dir, 'same.png'), '--figure', join(dir, '..', basename(dir), 'same.png')]);
    expect(same.stderr).toMatch(/is the page's own path \(--out\): give the figure a name of its own/);
    expect(existsSync(join(dir, 'same.png'))).toBe(false);
    // A report that fails (no run there) leaves no folders it made for its page and figure.
    const failed = biofuse(['report', join(dir, 'no-such-run'), '--out', join(dir, 'new-page', 'x.html'), '--figure', join(dir, 'new-figure', 'deep', 'y.png')]);
    expect(failed.code).toBe(2);
    expect(existsSync(join(dir, 'new-page')) || existsSync(join(dir, 'new-figure'))).toBe(false);
    const pdf = biofuse(['report', runA, '--out', out, '--figure', join(dir, 'overlay.pdf')]);
    expect(pdf.stderr).toMatch(/--figure .*overlay\.pdf: give a \.svg or \.png file name/);
    expect(pdf.code).not.toBe(0);
  });

  it('fuses the systems of a run\'s scores.csv', () => {
    const run = biofuse(['bench', join(dir, 'tiny2.yaml'), '--results', dir, '--json']);
    expect(run.code).toBe(0);
    const { runDir } = JSON.parse(run.stdout) as { runDir: string };
    const r = biofuse(['fuse', join(runDir, 'scores.csv'), '--method', 'sum/z-score', 'logistic', '--folds', '4', '--results', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fused:sum\/z-score\s/m);
    expect(r.stdout).toMatch(/^fused:logistic\s/m);
    expect(r.stdout).toMatch(/4-fold subject-disjoint cross-validation/);
    // Fused again, a method needs a name of its own beside its earlier fused:* column.
    const fusedScores = join(/^results: (.+)$/m.exec(r.stdout)?.[1] ?? '', 'scores.csv');
    expect(biofuse(['fuse', fusedScores, '--method', 'sum/z-score', '--results', dir]).stderr).toMatch(/two systems would be called "fused:sum\/z-score"/);
    const again = biofuse(['fuse', fusedScores, '--method', 'again=sum/z-score', '--inputs', 'fused:sum/z-score,fused:logistic', '--results', dir]);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^fused:again\s/m);
    // The data root is not read: an empty BIOFUSE_DATA (a ConfigError for bench) made fuse fail.
    const noDataRoot = biofuse(['fuse', join(runDir, 'scores.csv'), '--method', 'sum/z-score', '--results', dir, '--json'], { BIOFUSE_DATA: '' });
    expect(noDataRoot.stderr).toBe('');
    expect(noDataRoot.code).toBe(0);
    // The files' own folder is the manifest's data root: the same files fuse to the same fingerprint from anywhere.
    const manifestOf = (out: string) => JSON.parse(readFileSync(join((JSON.parse(out) as { runDir: string }).runDir, 'manifest.json'), 'utf8')) as { data: { root: string; sha256: string } };
    const here = manifestOf(noDataRoot.stdout);
    expect(here.data.root).toBe(runDir);
    const elsewhere = spawnSync(process.execPath, [BIN, 'fuse', join(runDir, 'scores.csv'), '--method', 'sum/z-score', '--results', dir, '--json'], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    expect(manifestOf(elsewhere.stdout).data.sha256).toBe(here.data.sha256);
    expect(biofuse(['fuse', join(runDir, 'scores.csv'), '--method', 'magic']).code).toBe(1);
    expect(biofuse(['fuse', join(dir, 'nope.csv')]).code).toBe(2);
  });

  it('writes synthetic signatures that the signature modality scores', async () => {
    const out = join(dir, 'synth-sigs');
    const r = biofuse(['synth', 'signatures', '--out', out, '--users', '3', '--genuine', '4', '--forgeries', '2', '--seed', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^18 signatures written/);
    await writeFile(join(dir, 'synth-pairs.tsv'), 'U1S1.TXT\tU1S2.TXT\t1\nU1S1.TXT\tU2S1.TXT\t0\n');
    const s = biofuse(['score', '--modality', 'signature', '--pairs', join(dir, 'synth-pairs.tsv'), '--root', out, '--out', join(dir, 'synth.csv')]);
    expect(s.code).toBe(0);
    expect(biofuse(['synth', 'signatures', '--out', out, '--users', '0']).code).toBe(1);
    // A second dataset written over the first mixed the two: refused, and the first is untouched.
    const again = biofuse(['synth', 'signatures', '--out', out, '--users', '1', '--genuine', '1', '--forgeries', '0']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/synth-sigs: is not empty \(18 entries/);
    // Seeds wrap at 32 bits (4294967297 gave seed 1's data) and an empty --out meant the current folder.
    expect(biofuse(['synth', 'signatures', '--out', join(dir, 'synth-big'), '--seed', '4294967297']).stderr).toMatch(/--seed must be at most 4294967295/);
    expect(biofuse(['synth', 'signatures', '--out', '']).stderr).toMatch(/--out needs a path/);
    expect(biofuse(['synth', 'fingerprints', '--out', join(dir, 'synth-many'), '--fingers', '1000000']).stderr).toMatch(/--fingers must be at most 10000/);
    // An empty folder of the user's keeps its permissions (the folder put in its place was the owner's alone, 0700).
    const shared = join(dir, 'synth-shared');
    await mkdir(shared);
    await chmod(shared, 0o775);
    expect(biofuse(['synth', 'signatures', '--out', shared, '--users', '1', '--genuine', '1', '--forgeries', '0']).code).toBe(0);
    expect((await stat(shared)).mode & 0o777).toBe(0o775);
  });

  it('writes a synthetic dataset beside its folder and moves it in whole: a killed run leaves nothing behind', async () => {
    const out = join(dir, 'synth-killed');
    const child = spawn(process.execPath, [BIN, 'synth', 'fingerprints', '--out', out, '--fingers', '30', '--impressions', '8'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    // Killed once images are being written (they went straight into the folder: 235 zero-byte PNGs, no ground truth).
    const partial = () => readdir(dir).then((names) => names.find((n) => n.startsWith('synth-killed.partial-')));
    let writing = false;
    for (const started = Date.now(); !writing && Date.now() - started < 60_000; ) {
      const name = await partial();
      writing = name !== undefined && (await readdir(join(dir, name)).catch(() => [])).length > 0;
      if (!writing) await new Promise((r) => setTimeout(r, 20));
    }
    expect(writing).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    // The folder it made for the dataset goes too (it was left, empty).
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((n) => n.startsWith('synth-killed'))).toEqual([]);
  }, 120_000);

  it('moves a dataset into a folder with hidden files whole or not at all: a killed run or a failed move mid-way leaves none of it', async () => {
    // A folder with files of its own cannot be replaced by one rename, so the dataset goes in entry
    // by entry; stopped after the third, two signatures stayed. The third move into the folder
    // waits here (and says so) or fails, through node:fs/promises's rename swapped before the CLI loads.
    const hook = join(dir, 'slow-moves.mjs');
    await writeFile(
      hook,
      `import { createRequire, syncBuiltinESMExports } from 'node:module';
const fsp = createRequire(import.meta.url)('node:fs/promises');
const rename = fsp.rename;
let moves = 0;
fsp.rename = async (from, to) => {
  if (String(to).startsWith(process.env.MOVES_INTO + '/') && ++moves === 3) {
    if (process.env.MOVES_FAIL) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
    process.stdout.write('moving\\n');
    await new Promise((r) => setTimeout(r, 60_000));
  }
  return rename(from, to);
};
syncBuiltinESMExports();
`,
    );
    for (const fail of [false, true]) {
      const out = join(dir, fail ? 'synth-failed-move' : 'synth-killed-move');
      await mkdir(out);
      await writeFile(join(out, '.keep'), '');
      const args = [BIN, 'synth', 'signatures', '--out', out, '--users', '3', '--genuine', '2', '--forgeries', '0'];
      const env = { ...process.env, MOVES_INTO: out, ...(fail ? { MOVES_FAIL: '1' } : {}) };
      const child = spawn(process.execPath, ['--import', hook, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (code, signal) => done([code, signal])));
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      if (!fail) {
        for (const started = Date.now(); !stdout.includes('moving') && child.exitCode === null && Date.now() - started < 60_000; ) await new Promise((r) => setTimeout(r, 20));
        expect(stdout, stderr).toBe('moving\n');
        expect((await readdir(out)).length).toBe(3); // .keep and the two moved
        child.kill('SIGTERM');
        expect(await exited).toEqual([null, 'SIGTERM']);
      } else {
        const [code] = await exited;
        expect(code, stderr).not.toBe(0);
        expect(stderr).toMatch(/EIO/);
      }
      expect(await readdir(out), fail ? 'failed' : 'killed').toEqual(['.keep']);
      expect((await readdir(dir)).filter((n) => n.startsWith(`${basename(out)}.`))).toEqual([]);
    }
  }, 120_000);

  it('compares, verifies and identifies signatures, and names what it cannot use', async () => {
    const sigs = join(dir, 'sig-writers');
    // 4 writers, genuine S1-S6, one skilled forgery S7 each.
    expect(biofuse(['synth', 'signatures', '--out', sigs, '--users', '4', '--genuine', '6', '--forgeries', '1', '--seed', '9']).code).toBe(0);
    const at = (u: number, s: number) => join(sigs, `U${u}S${s}.TXT`);
    const compare = JSON.parse(biofuse(['signature', 'compare', at(1, 1), at(1, 2), '--json']).stdout) as { similarity: number; distance: number };
    expect(compare.similarity).toBeCloseTo(-compare.distance, 4);
    expect(compare.distance).toBeGreaterThan(0);

    const refs = [1, 2, 3, 4, 5].map((s) => at(1, s));
    const verify = (probe: string) => JSON.parse(biofuse(['signature', 'verify', probe, ...refs, '--json']).stdout) as { similarity: number; local: number; references: number };
    const genuine = verify(at(1, 6));
    expect(genuine.references).toBe(5);
    expect(genuine.similarity).toBeGreaterThan(verify(at(1, 7)).similarity); // its skilled forgery
    expect(genuine.similarity).toBeGreaterThan(verify(at(2, 6)).similarity); // another writer
    // Decisions: the shipped threshold for 5 % of skilled forgeries by default, or a given one
    // between the genuine probe and its forgery, which must split them.
    const decided = JSON.parse(biofuse(['signature', 'verify', at(1, 6), ...refs, '--json']).stdout) as { accepted: boolean; threshold: number; targetFmr: number };
    expect(decided.targetFmr).toBe(0.05);
    expect(decided.accepted).toBe(genuine.similarity >= decided.threshold);
    const between = String((genuine.similarity + verify(at(1, 7)).similarity) / 2);
    expect(biofuse(['signature', 'verify', at(1, 6), ...refs, '--threshold', between]).stdout).toMatch(/: accepted as the writer's \(threshold [-\d.]+, given\)/);
    expect(biofuse(['signature', 'verify', at(1, 7), ...refs, '--threshold', between]).stdout).toMatch(/: rejected \(threshold [-\d.]+, given\)/);
    expect(biofuse(['signature', 'verify', at(1, 6), ...refs.slice(0, 2)]).stdout).toMatch(/assume 5 references, not 2/);
    expect(biofuse(['signature', 'verify', at(1, 6), ...refs, '--fmr', '0.2']).code).toBe(1);
    // Number() would take an empty threshold (an unset shell variable) as 0 and '0x10' as 16: usage errors.
    for (const t of ['', '0x10']) {
      const r = biofuse(['signature', 'verify', at(1, 6), ...refs, '--threshold', t]);
      expect(r.code, t).toBe(1);
      expect(r.stderr).toMatch(/--threshold is not a number, got "/);
    }
    // The bytes decide the format: a text signature named .fpg is read as text, not as MCYT floats.
    await writeFile(join(dir, 'U1S6.fpg'), await readFile(at(1, 6)));
    expect(JSON.parse(biofuse(['signature', 'compare', join(dir, 'U1S6.fpg'), at(1, 6), '--json']).stdout).distance).toBe(0);

    // One sub-folder per writer with S1-S5; each writer's S6 must come back first.
    const writers = join(dir, 'writers');
    for (let u = 1; u <= 4; u++) {
      await mkdir(join(writers, `writer-${u}`), { recursive: true });
      for (let s = 1; s <= 5; s++) await writeFile(join(writers, `writer-${u}`, `S${s}.TXT`), await readFile(at(u, s)));
    }
    for (let u = 1; u <= 4; u++) {
      const r = biofuse(['signature', 'identify', at(u, 6), '--writers', writers, '-k', '2', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { candidates: { writer: string; similarity: number }[]; search: { writers: number; alignments: number } };
      expect(out.candidates.map((c) => c.writer)[0]).toBe(`writer-${u}`);
      expect(out.candidates).toHaveLength(2);
      expect(out.candidates[0].similarity).toBeGreaterThanOrEqual(out.candidates[1].similarity);
      expect(out.search.writers).toBe(4);
    }

    // Writers enrolled from other than 5 signatures are named (the shipped thresholds assume 5).
    const fewer = join(dir, 'writers-fewer');
    await mkdir(join(fewer, 'writer-1'), { recursive: true });
    for (let s = 1; s <= 3; s++) await writeFile(join(fewer, 'writer-1', `S${s}.TXT`), await readFile(at(1, s)));
    const warned = biofuse(['signature', 'identify', at(1, 6), '--writers', fewer, '--json']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/assume 5 references a writer; these have other counts: writer-1 \(3\)/);
    expect(JSON.parse(warned.stdout).warning).toMatch(/writer-1 \(3\)/);
    // A clock glitch the reader repaired is reported, not hidden.
    // 20 more points after the glitch: a signature needs 20 pen-down points to be verified.
    const inked = Array.from({ length: 20 }, (_, k) => `${8 + 3 * k},${6 + (k % 4)},${30 + 10 * k}\n`).join('');
    await writeFile(join(dir, 'glitch.csv'), `x,y,t\n1,1,0\n2,3,10\n3,2,5\n5,6,20\n${inked}`);
    expect(biofuse(['signature', 'compare', join(dir, 'glitch.csv'), at(1, 1)]).stderr).toMatch(/glitch\.csv: warning: line 4: timestamp 5 is 5 ms before the previous one; held at 10/);
    // ... by `score` too, which read the same file without a word.
    await writeFile(join(dir, 'ref.TXT'), await readFile(at(1, 1)));
    await writeFile(join(dir, 'glitch-pairs.tsv'), 'glitch.csv\tref.TXT\n');
    const scored = biofuse(['score', '--modality', 'signature', '--pairs', join(dir, 'glitch-pairs.tsv'), '--root', dir, '--out', join(dir, 'glitch-scores.csv')]);
    expect(scored.code).toBe(0);
    expect(scored.stderr).toMatch(/glitch\.csv: warning: line 4: timestamp 5 is 5 ms before the previous one; held at 10/);

    expect(biofuse(['signature', 'identify', at(1, 6), '--writers', writers, '-k', '0']).code).toBe(1);
    expect(biofuse(['signature', 'identify', at(1, 6), '--writers', join(dir, 'no-such-folder')]).code).toBe(2);
    await writeFile(join(writers, 'writer-2', 'S9.TXT'), '3\n1 2 3\n');
    const broken = biofuse(['signature', 'identify', at(1, 6), '--writers', writers]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/S9\.TXT/);
    expect(biofuse(['signature', 'compare', at(1, 1), join(dir, 'tiny.yaml')]).code).toBe(2);
    // A writer folder holding nothing but a hidden file is named, not silently left out.
    await mkdir(join(writers, 'writer-5'));
    await writeFile(join(writers, 'writer-5', '.DS_Store'), '');
    const empty = biofuse(['signature', 'identify', at(1, 6), '--writers', writers]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/writer "writer-5" has no signature files/);
  }, 180_000);

  it('says a modality that is not built yet is not available', () => {
    const r = biofuse(['score', '--modality', 'iris', '--pairs', join(dir, 'pairs.tsv'), '--root', dir, '--out', join(dir, 's.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/modality "iris" is not available/);
    expect(biofuse(['score', '--modality', 'voice', '--pairs', 'p', '--root', '.', '--out', 'o']).stderr).toMatch(/must be one of/);
  });

  const fvc = sharedDataset('fvc2002');
  it.skipIf(fvc.skip)('extracts fingerprint templates with debug stages and compares images and templates', async () => {
    const db1 = join(fvc.path, 'DB1_B');
    const debugDir = join(dir, 'fp-stages');
    const e = biofuse(['fingerprint', 'extract', join(db1, '101_1.tif'), '--debug-dir', debugDir, '--out', join(dir, '101_1.bfp'), '--json']);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    const extracted = JSON.parse(e.stdout) as { minutiae: { x: number; kind: string }[]; quality: number; qualityDetails: { clearShare: number } };
    expect(extracted.minutiae.length).toBeGreaterThan(15);
    // 15 minutiae or more: the quality is the clear-flow share in percent.
    expect(Math.abs(extracted.quality - 100 * extracted.qualityDetails.clearShare)).toBeLessThanOrEqual(0.6);
    expect(existsSync(join(debugDir, '09-skeleton.png'))).toBe(true);
    expect(biofuse(['fingerprint', 'extract', join(db1, '101_2.tif'), '--out', join(dir, '101_2.iso')]).code).toBe(0);
    const compare = (a: string, b: string) => {
      const c = biofuse(['fingerprint', 'compare', a, b, '--json']);
      expect(c.stderr).toBe('');
      expect(c.code).toBe(0);
      return JSON.parse(c.stdout) as { similarity: number; match: boolean; threshold: number; targetFmr: number };
    };
    const similarity = (a: string, b: string) => compare(a, b).similarity;
    const genuinePair = compare(join(dir, '101_1.bfp'), join(dir, '101_2.iso'));
    const impostorPair = compare(join(dir, '101_1.bfp'), join(db1, '102_1.tif'));
    const genuine = genuinePair.similarity;
    const impostor = impostorPair.similarity;
    expect(genuine).toBeGreaterThan(impostor + 0.1);
    // Decided at the shipped threshold for FMR 0.1 %, or at one given.
    expect(genuinePair).toMatchObject({ match: true, targetFmr: 0.001 });
    expect(impostorPair.match).toBe(false);
    expect(impostor).toBeLessThan(impostorPair.threshold);
    const given = biofuse(['fingerprint', 'compare', join(dir, '101_1.bfp'), join(dir, '101_2.iso'), '--threshold', String(genuine + 0.01)]);
    expect(given.stdout).toMatch(/different fingers \(threshold [\d.]+, given\)/);
    expect(biofuse(['fingerprint', 'compare', join(dir, '101_1.bfp'), join(dir, '101_2.iso'), '--fmr', '0.05']).stderr).toMatch(/--fmr must be 0.01 or 0.001/);
    // The same pair from the images: the ISO record rounds positions to pixels and angles to
    // 1.4 degrees, which moves the similarity a little (0.006 here).
    expect(Math.abs(similarity(join(db1, '101_1.tif'), join(db1, '101_2.tif')) - genuine)).toBeLessThan(0.02);
    // A face photograph is refused with a reason (exit 2), as is a truncated template.
    const lfwFace = join(fvc.path, '..', 'lfw', 'images', 'Aaron_Sorkin', 'Aaron_Sorkin_0001.jpg');
    const face = biofuse(['fingerprint', 'extract', lfwFace]);
    expect(face.code).toBe(2);
    expect(face.stderr).toMatch(/no regular ridge pattern/);
    // 1:N: three fingers enrolled from their first impressions, a later impression identified.
    const gallery = join(dir, 'prints.db');
    for (const finger of ['101', '102', '103']) {
      expect(biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--identity', finger, join(db1, `${finger}_1.tif`), join(db1, `${finger}_2.tif`)]).code).toBe(0);
    }
    const id = biofuse(['fingerprint', 'identify', join(db1, '102_5.tif'), '--gallery', gallery, '-k', '2', '--json']);
    expect(id.code).toBe(0);
    const ranked = JSON.parse(id.stdout) as { candidates: { identity: string; score: number; match: boolean }[] };
    expect(ranked.candidates.map((c) => c.identity)[0]).toBe('102');
    expect(ranked.candidates.map((c) => c.match)).toEqual([true, false]);
    expect(ranked.candidates[0].score).toBeGreaterThan(ranked.candidates[1].score);
    await writeFile(join(dir, 'cut.bfp'), (await readFile(join(dir, '101_1.bfp'))).subarray(0, 30));
    const cut = biofuse(['fingerprint', 'compare', join(dir, 'cut.bfp'), join(dir, '101_2.iso')]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/cut\.bfp: fingerprint template damaged: its checksum does not match/);
    // A quality gate at enrolment: DB2's dry 109_8 (quality 37) fails to enrol, 109_1 enrols.
    const db2 = join(fvc.path, 'DB2_B');
    const gated = biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--identity', '109', '--dpi', '569', '--min-quality', '40', join(db2, '109_1.tif'), join(db2, '109_8.tif')]);
    expect(gated.code).toBe(0);
    const report = JSON.parse(gated.stdout) as { enrolled: number; failed: { source: string; reason: string }[] };
    expect(report.enrolled).toBe(1);
    expect(report.failed).toEqual([{ source: expect.stringMatching(/109_8\.tif$/), reason: expect.stringMatching(/^quality 37 is below the minimum of 40: clear ridge flow/) }]);
    expect(biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--identity', 'x', '--min-quality', '101', join(db2, '109_1.tif')]).code).toBe(1);

    // A mistyped gallery is an error, not an empty result, and leaves no file behind; so is a failed first enrolment.
    const typo = join(dir, 'no-such-gallery.db');
    const lost = biofuse(['fingerprint', 'identify', join(db1, '102_5.tif'), '--gallery', typo]);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/no-such-gallery\.db: no such gallery/);
    expect(existsSync(typo)).toBe(false);
    const wrongFolder = biofuse(['fingerprint', 'enroll', '--gallery', typo, '--folder', join(dir, 'no-such-folder')]);
    expect(wrongFolder.code).toBe(2);
    expect(existsSync(typo)).toBe(false);
    await mkdir(join(dir, 'empty-people'), { recursive: true });
    const empty = biofuse(['fingerprint', 'enroll', '--gallery', typo, '--folder', join(dir, 'empty-people')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty-people: no samples to enrol/);
    expect(existsSync(typo)).toBe(false);
    await writeFile(join(dir, 'not-a-db.db'), 'plain text');
    expect(biofuse(['fingerprint', 'identify', join(db1, '102_5.tif'), '--gallery', join(dir, 'not-a-db.db')]).code).toBe(2);

    // Output paths are checked before the work; a template is named as one when an image is expected.
    const blocked = biofuse(['fingerprint', 'extract', join(db1, '101_1.tif'), '--out', join(dir, '101_1.bfp', 'x.bfp')]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/101_1\.bfp: is a file, not a folder to write into/);
    expect(blocked.stderr).not.toMatch(/internal error/);
    expect(biofuse(['fingerprint', 'extract', join(db1, '101_1.tif'), '--debug-dir', join(dir, '101_1.bfp')]).stderr).toMatch(/is a file, not a folder/);
    const template = biofuse(['fingerprint', 'extract', join(dir, '101_2.iso')]);
    expect(template.code).toBe(2);
    expect(template.stderr).toMatch(/101_2\.iso: a fingerprint template, not an image/);
    await writeFile(join(dir, 'notes.txt'), 'hello');
    expect(biofuse(['fingerprint', 'extract', join(dir, 'notes.txt')]).stderr).toMatch(/notes\.txt: not an image in a format fingerprints are read from \(TIFF, PNG, BMP, JPEG, \.\.\.\)/);
  }, 120_000);

  it('writes synthetic fingerprints in FVC layout', async () => {
    const out = join(dir, 'synth-fp');
    const r = biofuse(['synth', 'fingerprints', '--out', out, '--fingers', '2', '--impressions', '2', '--seed', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^4 fingerprint image\(s\) written/);
    expect(existsSync(join(out, '102_2.png'))).toBe(true);
    expect(biofuse(['synth', 'fingerprints', '--out', out, '--fingers', 'x']).code).toBe(1);

    // Batch quality over the folder plus an unusable file and a link to no file (left out unseen):
    // one CSV row each, failures as rows.
    await writeFile(join(out, 'broken.png'), 'not an image');
    await symlink(join(dir, 'no-such-print.png'), join(out, 'gone.png'));
    const csv = join(dir, 'quality.csv');
    const q = biofuse(['fingerprint', 'quality', out, '--out', csv]);
    expect(q.code).toBe(0);
    expect(q.stderr).toMatch(/6 image\(s\): mean quality [\d.]+, \d+ flagged low quality, 2 could not be used/);
    const rows = (await readFile(csv, 'utf8')).trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['file', 'quality', 'low_quality', 'clear_share', 'mean_coherence', 'period_share', 'area_mm2', 'minutiae', 'error']);
    expect(rows.slice(1).map((r) => r[0].slice(out.length + 1))).toEqual(['101_1.png', '101_2.png', '102_1.png', '102_2.png', 'broken.png', 'gone.png']);
    expect(rows[6][8]).toMatch(/gone\.png: cannot read the file \(ENOENT\)/);
    for (const r of rows.slice(1, 5)) {
      // The CSV rounds the clear share to 3 decimals: within one point of the quality.
      expect(Math.abs(Number(r[1]) - 100 * Number(r[3]) * Math.min(1, Number(r[7]) / 15))).toBeLessThanOrEqual(1);
      expect(r[8]).toBe('');
    }
    expect(rows[5][1]).toBe('');
    expect(rows[5][8]).toMatch(/broken\.png/);
    const missing = biofuse(['fingerprint', 'quality', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nothing-here: no such file or folder/);
    // Nothing usable: the CSV still says why, and the exit code says that nothing was measured.
    const none = biofuse(['fingerprint', 'quality', join(out, 'broken.png'), '--out', join(dir, 'none.csv')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/none of the 1 image\(s\) could be used/);
    expect(await readFile(join(dir, 'none.csv'), 'utf8')).toMatch(/broken\.png/);
    // A first enrolment in which every print fails makes no gallery (searching it would find no one, quietly).
    await mkdir(join(dir, 'broken-people', 'p1'), { recursive: true });
    await writeFile(join(dir, 'broken-people', 'p1', 'x.png'), 'not an image');
    const noGallery = biofuse(['fingerprint', 'enroll', '--gallery', join(dir, 'broken.db'), '--folder', join(dir, 'broken-people')]);
    expect(noGallery.code).toBe(2);
    expect(noGallery.stderr).toMatch(/broken\.db: nothing was enrolled/);
    expect(JSON.parse(noGallery.stdout).failed).toHaveLength(1);
    expect(existsSync(join(dir, 'broken.db'))).toBe(false);
    // Resolutions no sensor has are usage errors (5,000 dpi made ISO records that could not be read back).
    for (const dpi of ['5000', '50', '1e300']) expect(biofuse(['fingerprint', 'extract', join(out, '101_1.png'), '--dpi', dpi]).stderr).toMatch(/--dpi must be a sensor's resolution, 100-4000/);
    // score: a root that is not a folder fails before any work; pairs that all fail are a data error with no metrics.
    await writeFile(join(dir, 'fp-pairs.tsv'), '\uFEFF101_1.png\t101_2.png\t1\n101_1.png\t102_1.png\t0\n');
    const noRoot = biofuse(['score', '--modality', 'fingerprint', '--pairs', join(dir, 'fp-pairs.tsv'), '--root', join(dir, 'no-root'), '--out', join(dir, 'fp-scores.csv')]);
    expect(noRoot.code).toBe(2);
    expect(noRoot.stderr).toMatch(/--root .*no-root is not a folder/);
    const scored = biofuse(['score', '--modality', 'fingerprint', '--pairs', join(dir, 'fp-pairs.tsv'), '--root', out, '--out', join(dir, 'fp-scores.csv'), '--json']);
    // The byte-order mark is not part of the first path.
    expect(scored.code, scored.stderr).toBe(0);
    expect(JSON.parse(scored.stdout).failedPairs).toBe(0);
    await writeFile(join(dir, 'fp-bad-pairs.tsv'), 'broken.png\t101_2.png\t1\nbroken.png\t102_1.png\t0\n');
    const allFailed = biofuse(['score', '--modality', 'fingerprint', '--pairs', join(dir, 'fp-bad-pairs.tsv'), '--root', out, '--out', join(dir, 'fp-bad.csv'), '--json']);
    expect(allFailed.code).toBe(2);
    expect(allFailed.stderr).toMatch(/none of the 2 pair\(s\) could be compared/);
    expect(await readFile(join(dir, 'fp-bad.csv'), 'utf8')).toMatch(/broken\.png/);
    // One rule for output paths: missing folders are made, a file in the way is a data error before any work.
    expect(biofuse(['fingerprint', 'quality', join(out, '101_1.png'), '--out', join(dir, 'made', 'for-it', 'q.csv')]).code).toBe(0);
    expect(existsSync(join(dir, 'made', 'for-it', 'q.csv'))).toBe(true);
    const unwritable = biofuse(['fingerprint', 'quality', out, '--out', join(out, '101_1.png', 'q.csv')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/101_1\.png: is a file, not a folder to write into/);
    expect(unwritable.stderr).not.toMatch(/internal error/);
  }, 180_000);

  const lfw = sharedDataset('lfw');
  it.skipIf(lfw.skip)('verifies two faces and scores face pairs with a reason for the pair that fails', async () => {
    const images = join(lfw.path, 'images');
    const v = biofuse(['face', 'verify', join(images, 'Abdullah_Gul/Abdullah_Gul_0001.jpg'), join(images, 'Abdullah_Gul/Abdullah_Gul_0006.jpg'), '--json']);
    expect(v.code).toBe(0);
    const verdict = JSON.parse(v.stdout) as { verified: boolean; similarity: number; thresholdSource: string; model: string };
    expect(verdict).toMatchObject({ verified: true, thresholdSource: 'calibrated', model: 'dlib-resnet/aligned' });
    // A root of links to two LFW people plus a file that is not an image: the pair it is in
    // fails to acquire (a row with a reason); a path that does not exist stops the run.
    const root = join(dir, 'face-root');
    await mkdir(join(root, 'Nobody'), { recursive: true });
    for (const person of ['Abdullah_Gul', 'Abdoulaye_Wade']) await symlink(join(images, person), join(root, person));
    await writeFile(join(root, 'Nobody', 'corrupt.jpg'), 'not a jpeg');
    const pairs = join(dir, 'face-pairs.tsv');
    await writeFile(pairs, 'Abdullah_Gul/Abdullah_Gul_0001.jpg\tAbdullah_Gul/Abdullah_Gul_0008.jpg\t1\nAbdullah_Gul/Abdullah_Gul_0001.jpg\tAbdoulaye_Wade/Abdoulaye_Wade_0001.jpg\t0\nAbdullah_Gul/Abdullah_Gul_0001.jpg\tNobody/corrupt.jpg\t0\n');
    const out = join(dir, 'face-scores.csv');
    const s = biofuse(['score', '--modality', 'face', '--pairs', pairs, '--root', root, '--out', out]);
    expect(s.code).toBe(0);
    const rows = (await readFile(out, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    expect(Number(rows[0][2])).toBeGreaterThan(Number(rows[1][2]));
    expect(rows[2][2]).toBe('');
    expect(rows[2][3]).toMatch(/corrupt\.jpg/);
    await writeFile(pairs, 'Abdullah_Gul/Abdullah_Gul_0001.jpg\tNobody/missing.jpg\t0\n');
    const missing = biofuse(['score', '--modality', 'face', '--pairs', pairs, '--root', root, '--out', join(dir, 'face-missing.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Nobody\/missing\.jpg: cannot read the sample file \(ENOENT\)/);
    expect(existsSync(join(dir, 'face-missing.csv'))).toBe(false);
  }, 120_000);

  it.skipIf(lfw.skip)('detects and crops faces, enrols two people and identifies a third photo of one of them', async () => {
    const images = join(lfw.path, 'images');
    const crops = join(dir, 'crops');
    const d = biofuse(['face', 'detect', join(images, 'Abdullah_Gul/Abdullah_Gul_0001.jpg'), '--out', crops]);
    expect(d.code).toBe(0);
    expect((JSON.parse(d.stdout) as unknown[]).length).toBe(1);
    expect(existsSync(join(crops, 'face-1.png'))).toBe(true);
    // --no-align writes the upright box the pipeline would embed, not the aligned crop.
    const upright = join(dir, 'crops-upright');
    expect(biofuse(['face', 'detect', join(images, 'Abdullah_Gul/Abdullah_Gul_0001.jpg'), '--no-align', '--out', upright]).code).toBe(0);
    expect(Buffer.compare(await readFile(join(upright, 'face-1.png')), await readFile(join(crops, 'face-1.png')))).not.toBe(0);
    // Calibration never embeds whole images in place of faces, and says so rather than ignore the flag.
    expect(biofuse(['face', 'calibrate', '--lfw', join(images, '..'), '--no-enforce-detection']).stderr).toMatch(/calibrate always requires a detected face/);
    expect(biofuse(['face', 'calibrate', '--lfw', join(images, '..'), '--folds', 'one']).stderr).toMatch(/--folds must be an integer/);
    const gallery = join(dir, 'people.db');
    expect(biofuse(['enroll', '--gallery', gallery, '--identity', 'gul', join(images, 'Abdullah_Gul/Abdullah_Gul_0001.jpg'), join(images, 'Abdullah_Gul/Abdullah_Gul_0002.jpg')]).code).toBe(0);
    const wade = biofuse(['enroll', '--gallery', gallery, '--identity', 'wade', join(images, 'Abdoulaye_Wade/Abdoulaye_Wade_0001.jpg')]);
    expect(JSON.parse(wade.stdout)).toMatchObject({ enrolled: 1, identities: 2, records: 3 });
    const who = biofuse(['identify', join(images, 'Abdullah_Gul/Abdullah_Gul_0003.jpg'), '--gallery', gallery, '-k', '2', '--json']);
    expect(who.code).toBe(0);
    const result = JSON.parse(who.stdout) as { candidates: { identity: string; score: number; accepted: boolean }[] };
    expect(result.candidates.map((c) => c.identity)).toEqual(['gul', 'wade']);
    expect(result.candidates[1].accepted).toBe(false);
    // Without --json, the same candidates as a ranked list, as verify prints a sentence.
    const listed = biofuse(['identify', join(images, 'Abdullah_Gul/Abdullah_Gul_0003.jpg'), '--gallery', gallery, '-k', '2']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/Abdullah_Gul_0003\.jpg: 2 candidate\(s\), best first \(accepted at threshold [-\d.]+, calibrated\)$/);
    expect(lines.slice(3).map((l) => l.trim().split(/\s+/))).toEqual([...result.candidates.map((c) => [c.identity, c.score.toFixed(4), c.accepted ? 'yes' : 'no']), ['']]);
    // A gallery made with another model is refused, not mixed.
    const stale = biofuse(['identify', join(images, 'Abdullah_Gul/Abdullah_Gul_0003.jpg'), '--gallery', gallery, '--model', 'mobileface']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/was built with model "dlib-resnet\/aligned sha256:[0-9a-f]{16}", this pipeline uses "mobileface\/aligned sha256:[0-9a-f]{16}"/);
  }, 120_000);

  const svc = sharedDataset('svc2004-task2');
  it.skipIf(svc.skip)('scores signature pairs, with a reason for the pair that cannot be read', async () => {
    // Links to five SVC2004 files plus one with a broken sample line: that pair fails to
    // acquire (a row with a reason); a path that does not exist stops the run (below).
    const root = join(dir, 'sig-root');
    await mkdir(root, { recursive: true });
    for (const f of ['U1S1.TXT', 'U1S2.TXT', 'U1S21.TXT', 'U2S1.TXT', 'U2S3.TXT']) await symlink(join(svc.path, f), join(root, f));
    await writeFile(join(root, 'broken.TXT'), '2\n1 2 0 1 0 0 5\n2 3\n');
    const pairs = join(dir, 'sig-pairs.tsv');
    await writeFile(pairs, 'U1S1.TXT\tU1S2.TXT\t1\nU1S1.TXT\tU1S21.TXT\t0\nU1S1.TXT\tbroken.TXT\t0\nU2S1.TXT\tU2S3.TXT\t1\n');
    const out = join(dir, 'sig-scores.csv');
    const r = biofuse(['score', '--modality', 'signature', '--pairs', pairs, '--root', root, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 pair\(s\): 3 scored, 1 could not be compared/);
    const rows = (await readFile(out, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('a,b,score,error');
    const score = (i: number) => Number(rows[i].split(',')[2]);
    expect(score(1)).toBeGreaterThan(score(2)); // genuine above skilled forgery
    expect(rows[3]).toMatch(/^U1S1\.TXT,broken\.TXT,,"probe broken\.TXT: signature bytes, line 3: expected 7 columns/);
    const json = JSON.parse(biofuse(['score', '--modality', 'signature', '--pairs', pairs, '--root', root, '--out', out, '--json']).stdout) as {
      pairs: number;
      failedPairs: number;
      failedSamples: { path: string }[];
      metrics: { counts: { genuineFailures: number; impostorFailures: number } };
    };
    expect(json).toMatchObject({ pairs: 4, failedPairs: 1 });
    expect(json.failedSamples.map((f) => f.path)).toEqual(['broken.TXT']);
    expect(json.metrics.counts.impostorFailures).toBe(1);
    // A run that stops half-way (--strict and a sample the modality rejects, or a sample file
    // that is not there at all) leaves the earlier results file as it was.
    const before = await readFile(out, 'utf8');
    const strict = biofuse(['score', '--modality', 'signature', '--pairs', pairs, '--root', root, '--out', out, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/broken\.TXT/);
    expect(await readFile(out, 'utf8')).toBe(before);
    await writeFile(pairs, 'U1S1.TXT\tU1S2.TXT\t1\nU1S1.TXT\tmissing.TXT\t0\n');
    const missing = biofuse(['score', '--modality', 'signature', '--pairs', pairs, '--root', root, '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.TXT: cannot read the sample file \(ENOENT\)/);
    expect(await readFile(out, 'utf8')).toBe(before);
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  const bssr1 = sharedDataset('nist-bssr1-set1');
  it.skipIf(bssr1.skip)('reproduces a BSSR1 EER from the repository config with --data-root', () => {
    const config = resolve(import.meta.dirname, '../../../experiments/configs/bssr1-face-g.yaml');
    const r = biofuse(['bench', config, '--results', dir, '--data-root', sharedDatasetsRoot()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^face-G\s+517\s+266772\s+0\.00\s+5\.80\s/m);
  });
});
