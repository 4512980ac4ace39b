import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreSet, verificationReport } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { compareRuns, readRuns } from '../src/report/compare-runs';
import { evaluationSummary } from '../src/report/evaluation-summary';
import { resultsJson } from '../src/run/json';

const tempFolder = temporaryFolders();

/** A run folder holding one evaluation, its metrics.json entry edited by `edit` (an older file's shape). */
async function runFolder(name: string, edit: (evaluation: Record<string, unknown>) => void = () => undefined): Promise<string> {
  const dir = join(await tempFolder('biofuse-compare-'), name);
  await mkdir(dir);
  // Three of 200 impostors at +Infinity: FMR never falls below 3/200. Of 1e-2 (2 of 200) and
  // 1e-3 (below 1 / 200), neither can be shown, for two reasons.
  const impostor = [...Array.from({ length: 197 }, (_, i) => i / 400), Infinity, Infinity, Infinity];
  const report = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor }), { targetFmrs: [1e-2, 1e-3, 0.5] });
  const evaluation = evaluationSummary({ name, report });
  edit(evaluation);
  await writeFile(join(dir, 'metrics.json'), resultsJson({ experiment: name, evaluations: [evaluation] }));
  await writeFile(join(dir, 'det.json'), resultsJson({ experiment: name, evaluations: [{ name, eer: report.eer.value, det: report.det }] }));
  return dir;
}

const flags = (p: { belowResolution: boolean; unreachable: boolean }) => [p.belowResolution, p.unreachable];

describe('runs read back for a report', () => {
  it('keep the flags a run wrote: ZeroFMR reached, each target below resolution or unreachable', async () => {
    const [row] = await readRuns([await runFolder('now')]);
    expect(row.report.zeroFmr).toMatchObject({ fmr: 3 / 200, reached: false });
    expect(row.report.fnmrAtFmr.map(flags)).toEqual([
      [false, true],
      [true, true],
      [false, false],
    ]);
  });

  it('fill the flags an older metrics.json lacks from its points (zod dropped `reached`, and `unreachable` did not exist)', async () => {
    const older = await runFolder('older', (e) => {
      delete (e.zeroFmr as Record<string, unknown>).reached;
      // Written while belowResolution also meant unreachable: true for all but 0.5.
      for (const p of e.fnmrAtFmr as Record<string, unknown>[]) {
        p.belowResolution = p.unreachable || (p.targetFmr as number) * 200 < 1;
        delete p.unreachable;
      }
    });
    const [row] = await readRuns([older]);
    expect(row.report.zeroFmr).toEqual({ threshold: Infinity, fmr: 3 / 200, fnmr: 1, reached: false });
    expect(row.report.fnmrAtFmr.map(flags)).toEqual([
      [false, true],
      [true, true],
      [false, false],
    ]);
    // FMR 0 reached where the point has it.
    const finite = await runFolder('finite', (e) => {
      Object.assign(e.zeroFmr as Record<string, unknown>, { fmr: 0, reached: undefined });
    });
    expect((await readRuns([finite]))[0].report.zeroFmr.reached).toBe(true);
    // The table says both reasons, from the flags.
    const { table } = await compareRuns([older]);
    expect(table.split('\n').at(-1)).toBe(
      '* target FMR below 1 / (impostor comparisons): not measurable on this set; target FMR not reachable: impostor scores of +Infinity are accepted at every threshold (FNMR shown at the lowest FMR reached)',
    );
  });
});
