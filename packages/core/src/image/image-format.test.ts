import { describe, expect, it } from 'vitest';
import { imageFormatOf } from './image-format';

const bytes = (...v: number[]) => Uint8Array.from(v);
const ascii = (s: string) => new TextEncoder().encode(s);

describe('imageFormatOf', () => {
  it('recognises each format by its first bytes, damaged or not', () => {
    expect(imageFormatOf(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(imageFormatOf(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a))).toBe('png');
    expect(imageFormatOf(ascii('GIF89a'))).toBe('gif');
    expect(imageFormatOf(ascii('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(imageFormatOf(bytes(0x49, 0x49, 0x2a, 0x00))).toBe('tiff');
    expect(imageFormatOf(bytes(0x4d, 0x4d, 0x00, 0x2a))).toBe('tiff');
    expect(imageFormatOf(ascii('BM'))).toBe('bmp');
    expect(imageFormatOf(ascii('P5\n64 64\n255\n'))).toBe('pgm');
    expect(imageFormatOf(ascii('P5 '))).toBe('pgm');
  });

  it('says nothing of other bytes, short ones included', () => {
    expect(imageFormatOf(new Uint8Array(0))).toBeUndefined();
    expect(imageFormatOf(bytes(0xff, 0xd8))).toBeUndefined();
    expect(imageFormatOf(ascii('RIFF\0\0\0\0WAVE'))).toBeUndefined();
    expect(imageFormatOf(ascii('84\n2933 5678'))).toBeUndefined();
    // ASCII (P2) PGM is not read; "P5" without the whitespace is no header.
    expect(imageFormatOf(ascii('P2\n64 64\n255\n'))).toBeUndefined();
    expect(imageFormatOf(ascii('P5x'))).toBeUndefined();
  });
});
