import { describe, expect, it } from 'vitest';
import { thrownBy } from '@biofuse/core/testing';
import { UsageError } from '../src/exit-codes';
import { numberOption, positiveNumberOption } from '../src/options';

describe('number options', () => {
  it('read plain decimals and call garbage "not a number"', () => {
    expect(numberOption('--threshold', ' -0.25 ')).toBe(-0.25);
    for (const value of ['', '0x10', 'Infinity', 'x']) {
      const err = thrownBy(() => numberOption('--threshold', value));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message, value).toBe(`--threshold is not a number, got "${value}"`);
    }
  });

  it('say a decimal beyond the largest double is out of range (1e999 was "not a number")', () => {
    expect(thrownBy(() => numberOption('--threshold', '1e999')).message).toBe('--threshold is beyond the largest number (about ±1.8e308), got "1e999"');
    expect(thrownBy(() => positiveNumberOption('--dpi', '-1e400')).message).toBe('--dpi is beyond the largest number (about ±1.8e308), got "-1e400"');
  });
});
