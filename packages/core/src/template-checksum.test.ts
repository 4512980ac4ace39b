import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from './errors';
import { seededRandom } from './random';
import { checkTemplateChecksum, sealTemplate } from './template-checksum';

describe('template checksums', () => {
  it('write the CRC-32 of the bytes before them, and refuse any single flipped bit or cut', () => {
    // "123456789" is CRC-32's check input: 0xcbf43926.
    const sealed = sealTemplate(Uint8Array.from([...Buffer.from('123456789'), 0, 0, 0, 0]));
    expect(Array.from(sealed.subarray(9))).toEqual([0x26, 0x39, 0xf4, 0xcb]);
    expect(() => checkTemplateChecksum(sealed, 'test template')).not.toThrow();
    const random = seededRandom(7);
    const body = Uint8Array.from({ length: 200 }, () => random.int(256));
    const bytes = sealTemplate(Uint8Array.from([...body, 0, 0, 0, 0]));
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(() => checkTemplateChecksum(flipped, 'test template')).toThrow(TemplateFormatError);
    }
    for (const length of [0, 3, 4, 100, bytes.length - 1]) {
      expect(() => checkTemplateChecksum(bytes.subarray(0, length), 'test template')).toThrow(/^test template (truncated|damaged)/);
    }
    expect(() => checkTemplateChecksum(bytes.subarray(0, 100), 'test template')).toThrow('test template damaged: its checksum does not match its 100 bytes (changed or cut short since it was written)');
  });

  it('seals a view into a larger buffer at the view\'s own end', () => {
    const buffer = new Uint8Array(32);
    const view = buffer.subarray(8, 20);
    view.set(Buffer.from('12345678'));
    sealTemplate(view);
    // CRC-32 of "12345678": 0x9ae0daaf.
    expect(Array.from(buffer.subarray(16, 20))).toEqual([0xaf, 0xda, 0xe0, 0x9a]);
    expect(() => checkTemplateChecksum(view, 'test template')).not.toThrow();
    expect(Array.from(buffer.subarray(0, 8))).toEqual(new Array(8).fill(0));
    expect(Array.from(buffer.subarray(20))).toEqual(new Array(12).fill(0));
  });
});
