import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pngFromSvg } from './png-from-svg';

describe('pngFromSvg', () => {
  it('renders at the drawing\'s own pixel size times the scale, shapes where the drawing puts them', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="#fff"/><rect x="20" y="0" width="20" height="15" fill="#f00"/></svg>';
    for (const scale of [1, 2]) {
      const { data, info } = await sharp(await pngFromSvg(svg, scale)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([40 * scale, 30 * scale]);
      const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
      expect(pixel(30 * scale, 5 * scale)).toEqual([255, 0, 0]); // inside the red rectangle
      expect(pixel(5 * scale, 25 * scale)).toEqual([255, 255, 255]);
    }
  });
});
