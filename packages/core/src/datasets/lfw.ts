import { DatasetError } from '../errors';
import type { ProtocolComparison } from './samples';
import { readTextLines } from './text-lines';

/**
 * LFW's View 2 `pairs.txt`: a header `<folds><TAB><pairs per class>`, then per fold that many
 * matched lines `name n1 n2` and as many mismatched lines `name1 n1 name2 n2`. Image paths
 * follow LFW's layout, `<Name>/<Name>_<NNNN>.jpg`, relative to the images folder. A matched
 * pair of one image, or a mismatched pair of one person, is refused: a damaged line scored a
 * perfect genuine pair, or a genuine pair labelled impostor.
 */
export async function readLfwPairs(path: string): Promise<ProtocolComparison[]> {
  const lines = await readTextLines(path);
  if (lines.length === 0) throw new DatasetError('empty pairs file', path);
  const head = lines[0].text.trim().split(/\s+/);
  // Digits only, as for image numbers: Number() read "0xA" as 10 folds.
  if (head.length !== 2 || !head.every((v) => /^\d+$/.test(v) && Number(v) > 0)) {
    throw new DatasetError('first line must be "<folds> <pairs per class>"', path, lines[0].line);
  }
  const [folds, perClass] = head.map(Number);
  const expected = 1 + folds * perClass * 2;
  if (lines.length !== expected) {
    throw new DatasetError(`expected ${expected - 1} pair lines for ${folds} folds of 2 x ${perClass}, got ${lines.length - 1}`, path);
  }
  const out: ProtocolComparison[] = [];
  for (let i = 1; i < lines.length; i++) {
    const { text, line } = lines[i];
    const fold = Math.floor((i - 1) / (2 * perClass)) + 1;
    const matched = (i - 1) % (2 * perClass) < perClass;
    const cells = text.trim().split(/\s+/);
    if (matched && cells.length === 3) {
      const [a, b] = [lfwNumber(cells[1], path, line), lfwNumber(cells[2], path, line)];
      if (a === b) throw new DatasetError(`matched pair compares image ${cells[1]} of ${cells[0]} with itself`, path, line);
      out.push({ reference: [lfwImage(cells[0], a)], probe: lfwImage(cells[0], b), genuine: true, kind: 'genuine', fold });
    } else if (!matched && cells.length === 4) {
      if (cells[0] === cells[2]) throw new DatasetError(`mismatched pair names one person twice (${cells[0]})`, path, line);
      out.push({ reference: [lfwImage(cells[0], lfwNumber(cells[1], path, line))], probe: lfwImage(cells[2], lfwNumber(cells[3], path, line)), genuine: false, kind: 'impostor', fold });
    } else {
      throw new DatasetError(`expected a ${matched ? 'matched (3 fields)' : 'mismatched (4 fields)'} pair, got ${cells.length} fields`, path, line);
    }
  }
  return out;
}

function lfwImage(name: string, number: number): string {
  return `${name}/${name}_${String(number).padStart(4, '0')}.jpg`;
}

/** An image number: digits only (Number() read "0x10" as image 16 and "1e1" as image 10). */
function lfwNumber(number: string, path: string, line: number): number {
  const n = /^\d+$/.test(number) ? Number(number) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new DatasetError(`image number "${number}" is not a positive integer`, path, line);
  return n;
}
