import { describe, expect, it, vi } from 'vitest';
import { SkipDetector } from '../src/detect/skip';
import type { FaceDetector } from '../src/detect/types';
import { FaceRecognizer } from '../src/index';

/** The detector the recogniser is given: the whole image as the face, after a delay set by the image's width. */
const given = vi.hoisted(() => ({ detector: undefined as FaceDetector | undefined }));
vi.mock('../src/detect/cascade', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/detect/cascade')>()),
  createDetector: () => given.detector,
}));

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Detection takes `delayMs[width]` milliseconds, so a test decides how long each call detects. */
function slowDetector(delayMs: Readonly<Record<number, number>>): FaceDetector {
  return {
    name: 'slow',
    wholeImage: true,
    async detect(image, options = {}) {
      await sleep(delayMs[image.width] ?? 0);
      return new SkipDetector().detect(image, options);
    },
  };
}

const grey = (width: number) => ({ width, height: 150, channels: 3 as const, data: new Uint8Array(width * 150 * 3).fill(120) });

describe('verify timings', () => {
  it('count only the call\'s own detection when calls run concurrently on one recognizer', async () => {
    // One call detects for 2 s per image (both at once); the other starts 50 ms later, detects for
    // 2.1 s per image, and so is still running when the first one's detection ends. Long enough
    // that the first call's embedding, which may hold the event loop on a busy machine, delays
    // the second's timers by far less than the margin below.
    given.detector = slowDetector({ 150: 2000, 151: 2100 });
    const recognizer = await FaceRecognizer.create();
    await recognizer.verify(grey(149), grey(149), { threshold: 0.5 }); // loads the models before the timed calls
    const first = recognizer.verify(grey(150), grey(150), { threshold: 0.5 });
    await sleep(50);
    const second = recognizer.verify(grey(151), grey(151), { threshold: 0.5 });
    const [a, b] = await Promise.all([first, second]);
    expect(a.timings.detectMs).toBeGreaterThanOrEqual(3950);
    // Shared counters charged the first call's 4,000 ms of detection to the second as well (about 8,200 ms).
    expect(b.timings.detectMs).toBeGreaterThanOrEqual(4150);
    expect(b.timings.detectMs).toBeLessThan(6000);
    expect(b.timings.embedMs).toBeGreaterThan(0);
  }, 60_000);
});
