import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const opts = { baseMs: 500, capMs: 30_000 };

describe('backoffDelay (full jitter)', () => {
  it('doubles the ceiling per attempt and scales it by the random draw', () => {
    expect(backoffDelay(0, opts, () => 0.5)).toBe(250);
    expect(backoffDelay(1, opts, () => 0.5)).toBe(500);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(6, opts, () => 0.999999)).toBe(29_999);
    expect(backoffDelay(40, opts, () => 0.999999)).toBe(29_999);
    expect(backoffDelay(40, opts, () => 0.5)).toBe(15_000);
  });

  it('can be zero (full jitter starts at 0)', () => {
    expect(backoffDelay(5, opts, () => 0)).toBe(0);
  });

  it('stays within [0, ceiling) for real random draws', () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      for (let i = 0; i < 50; i += 1) {
        const delay = backoffDelay(attempt, opts);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});
