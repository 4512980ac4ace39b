import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { errorRateCurve } from '../metrics/error-rate-curve';
import { verificationReport } from '../metrics/verification-report';
import { sharedDataset } from '../testing/shared-data';
import { thrownBy } from '../testing/thrown-by';
import { decimalRefusal, parseDecimal } from './decimal';
import { parseScoreMatrix, readScoreMatrix, scoreMatrixToScoreSet } from './score-matrix';

describe('parseDecimal', () => {
  it('reads plain decimals only (Number() took blanks as 0 and hex)', () => {
    expect(['1', '-2.5', '+.5', '3.', '1e-3', ' 7 '].map((t) => parseDecimal(t))).toEqual([1, -2.5, 0.5, 3, 0.001, 7]);
    for (const t of ['', ' ', '0x1F', '0b1', 'Infinity', '1,5', '1e', 'NaN']) expect(parseDecimal(t), t).toBeNaN();
    expect(parseDecimal('Infinity', { infinity: true })).toBe(Number.POSITIVE_INFINITY);
    expect(parseDecimal('-Infinity', { infinity: true })).toBe(Number.NEGATIVE_INFINITY);
    // Beyond the largest double, Number() gives Infinity: neither written as such nor allowed.
    for (const t of ['1e999', '-1e400', '9'.repeat(400)]) {
      expect(parseDecimal(t), t).toBeNaN();
      expect(parseDecimal(t, { infinity: true }), t).toBeNaN();
    }
    expect(parseDecimal('1.7976931348623157e308')).toBe(Number.MAX_VALUE);
  });

  it('says why it refused: a decimal too large to hold is not garbage (1e999 was called "not a number")', () => {
    for (const t of ['1e999', ' -1e400 ', '9'.repeat(400)]) expect(decimalRefusal(t), t).toBe('is beyond the largest number (about ±1.8e308)');
    for (const t of ['', ' ', '0x1F', 'Infinity', '-Infinity', '1,5', '1e', 'NaN', 'x']) expect(decimalRefusal(t), t).toBe('is not a number');
  });
});

describe('score matrix (BSSR1 layout)', () => {
  it('refuses a subject named twice and cells that are not plain numbers', () => {
    expect(() => parseScoreMatrix(',a,a\na,1,0\na,0,1\n', 'm.csv')).toThrow(/m\.csv:1: subject "a" is named twice/);
    expect(() => parseScoreMatrix(',a,b\na,1,0x1F\nb,0,1\n', 'm.csv')).toThrow(/m\.csv:2: cell 3 is not a number: "0x1F"/);
  });

  it('splits the diagonal (genuine) from the rest (impostor)', () => {
    const m = parseScoreMatrix(',a,b,c\na,0.9,0.1,0.2\nb,0.3,0.8,-1\nc,0.4,0.5,0.7\n');
    expect(m.subjects).toEqual(['a', 'b', 'c']);
    const s = scoreMatrixToScoreSet(m);
    expect(Array.from(s.genuine)).toEqual([0.9, 0.8, 0.7]);
    expect(Array.from(s.impostor)).toEqual([0.1, 0.2, 0.3, -1, 0.4, 0.5]);
    const f = scoreMatrixToScoreSet(m, { failureValue: -1 });
    expect(f.impostorFailures).toBe(1);
    expect(f.impostor.length).toBe(5);
  });

  it('reports malformed files with the path and line', () => {
    expect(() => parseScoreMatrix(',a,b\na,1,2\n', 'x.csv')).toThrow(/x.csv: header names 2 subjects/);
    expect(() => parseScoreMatrix(',a,b\na,1,2\nb,1\n', 'x.csv')).toThrow(/x.csv:3: row has 2 cells/);
    expect(() => parseScoreMatrix(',a,b\na,1,zz\nb,1,2\n', 'x.csv')).toThrow(DatasetError);
    expect(() => parseScoreMatrix(',a,b\nb,1,2\na,1,2\n', 'x.csv')).toThrow(/differs from column/);
  });

  it('names the line of the file past blank lines, and reads whitespace-only lines as blank', () => {
    expect(() => parseScoreMatrix(',a,b\n\na,1,2\nb,3,x\n', 'm.csv')).toThrow(/^m\.csv:4: cell 3 is not a number: "x"$/);
    expect(() => parseScoreMatrix('\n,a,a\na,1,0\na,0,1\n', 'm.csv')).toThrow(/^m\.csv:2: subject "a" is named twice/);
    expect(() => parseScoreMatrix(',a,b\r\n\r\na,1,2\r\nb,3\r\n', 'm.csv')).toThrow(/^m\.csv:4: row has 2 cells/);
    const m = parseScoreMatrix(',a,b\na,1,2\n \t\nb,3,4\n  \n', 'm.csv');
    expect(m.subjects).toEqual(['a', 'b']);
    expect(Array.from(m.scores)).toEqual([1, 2, 3, 4]);
  });

  it('names text given without a path as score matrix text, not as a file called <memory>', () => {
    const fails = (text: string) => thrownBy(() => parseScoreMatrix(text)) as DatasetError;
    const cell = fails(',a,b\na,1,2\nb,3,x\n');
    expect(cell).toBeInstanceOf(DatasetError);
    expect(cell.message).toBe('score matrix text, line 3: cell 3 is not a number: "x"');
    expect([cell.path, cell.line, cell.detail]).toEqual([undefined, 3, 'cell 3 is not a number: "x"']);
    expect(fails(',a,b\na,1,2\n').message).toBe('score matrix text: header names 2 subjects but there are 1 rows');
    expect(parseScoreMatrix(',a\na,1\n').path).toBeUndefined();
    expect(parseScoreMatrix(',a\na,1\n', 'm.csv').path).toBe('m.csv');
  });

  it('reports a missing file as a DatasetError', async () => {
    await expect(readScoreMatrix('/nonexistent/face-C.csv')).rejects.toThrow(DatasetError);
  });

  const bssr1 = sharedDataset('nist-bssr1-set1');
  // Independently computed reference EERs (datasets README), -1 kept as a score.
  const reference: Record<string, number> = { 'face-C': 4.45, 'face-G': 5.8, 'finger-left': 8.51, 'finger-right': 5.04 };
  for (const [name, eerPercent] of Object.entries(reference)) {
    it.skipIf(bssr1.skip)(`reproduces the BSSR1 Set 1 EER of ${name} (${eerPercent} %)`, async () => {
      const set = scoreMatrixToScoreSet(await readScoreMatrix(join(bssr1.path, `${name}.csv`)));
      expect(set.genuine.length).toBe(517);
      expect(set.impostor.length).toBe(266_772);
      const report = verificationReport(set);
      expect(Number((report.eer.value * 100).toFixed(2))).toBe(eerPercent);
      expect(report.eerRocch).toBeLessThanOrEqual(report.eer.value);
      expect(report.auc).toBeGreaterThan(0.95);
      const curve = errorRateCurve(set);
      expect(curve.fmr[0]).toBe(1);
    });
  }
});
