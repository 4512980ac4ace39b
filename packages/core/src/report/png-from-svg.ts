import { loadSharp } from '../image/load-sharp';

/**
 * An SVG drawing rendered to PNG (libvips' SVG loader, through sharp), at `scale` times its own
 * pixel size: the static figure beside an interactive page, for papers and slides.
 */
export async function pngFromSvg(svg: string, scale = 1): Promise<Buffer> {
  const sharp = await loadSharp();
  // libvips renders an SVG's pixels one to one at 72 dpi (its default density).
  return sharp(Buffer.from(svg), { density: 72 * scale }).png().toBuffer();
}
