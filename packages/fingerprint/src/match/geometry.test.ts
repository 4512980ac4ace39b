import { describe, expect, it } from 'vitest';
import { sigmoid, tabulatedSigmoid } from './geometry';

describe('tabulatedSigmoid (the compatibility terms\' sigmoid)', () => {
  it('stays within 1e-7 of 1 / (1 + e^x) across and beyond its table', () => {
    let worst = 0;
    for (let x = -60; x <= 30; x += 0.000731) worst = Math.max(worst, Math.abs(tabulatedSigmoid(x, 0, -1) - 1 / (1 + Math.exp(x))));
    expect(worst).toBeLessThan(1e-7);
    expect(worst).toBeGreaterThan(0); // it is an approximation, not Math.exp in disguise
  });

  it('agrees with sigmoid(v, mu, tau)', () => {
    for (const [v, mu, tau] of [[3, 5, -1.6], [0.2, Math.PI / 12, -30], [0.5, Math.PI / 12, -30], [40, 5, -1.6]]) {
      expect(tabulatedSigmoid(v, mu, tau)).toBeCloseTo(sigmoid(v, mu, tau), 7);
    }
  });
});
