// reconnectDelayMs with a fixed random number: the spec's delay after a clean end, then a ceiling
// that doubles per failure, full jitter, the cap, and a server's `retry:` above it.
import { describe, expect, test } from 'vitest';
import { reconnectDelayMs } from './backoff.js';

const at = (failures: number, random: number, retryMs = 1000, maxRetryMs = 30_000) =>
  reconnectDelayMs({ retryMs, failures, maxRetryMs, random: () => random });

describe('reconnectDelayMs', () => {
  test('after an open connection ends, the delay is the reconnection time exactly', () => {
    expect(at(0, 0)).toBe(1000);
    expect(at(0, 0.999)).toBe(1000);
  });

  test('the ceiling doubles with each failure in a row, and the floor stays the reconnection time', () => {
    // ceilings: retry × 2ⁿ
    expect([1, 2, 3, 4].map((n) => at(n, 0.999_999))).toEqual([2000, 4000, 8000, 16_000]);
    expect([1, 2, 3, 4].map((n) => at(n, 0))).toEqual([1000, 1000, 1000, 1000]);
  });

  test('full jitter: the extra wait is uniform between none and the ceiling', () => {
    expect(at(3, 0.5)).toBe(1000 + Math.floor(0.5 * 7001));
  });

  test('capped at maxRetryMs, however long the outage', () => {
    expect(at(5, 0.999_999)).toBe(30_000);
    expect(at(1_000, 0.999_999)).toBe(30_000);
    expect(Number.isFinite(at(1_000, 0.5))).toBe(true);
  });

  test("a server's retry above the cap still wins: the spec makes it a minimum", () => {
    expect(at(3, 0.999_999, 60_000)).toBe(60_000);
  });

  test('maxRetryMs 0 keeps the fixed delay of the spec', () => {
    expect(at(6, 0.999_999, 1000, 0)).toBe(1000);
  });

  test('retry: 0 still backs off while the server keeps failing', () => {
    expect(at(10, 0.999_999, 0)).toBe(1023);
    expect(at(20, 0.999_999, 0)).toBe(30_000);
  });
});
