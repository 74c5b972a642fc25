// findChromium: the environment variable first, then the usual paths, else an install hint.
import { describe, expect, it } from 'vitest';
import { CHROMIUM_CANDIDATES, findChromium } from './chromium.js';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH when it exists', () => {
    // process.execPath exists on every machine that runs this test
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });

  it('refuses a CHROMIUM_PATH that does not exist, naming it', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(
      'CHROMIUM_PATH=/nonexistent/chromium does not exist',
    );
  });

  it('falls back to the usual paths, or fails with how to install Chromium', () => {
    let found: string | undefined;
    let error: unknown;
    try {
      found = findChromium({});
    } catch (e) {
      error = e;
    }
    if (found !== undefined) expect(CHROMIUM_CANDIDATES).toContain(found);
    else expect(String(error)).toMatch(/apt-get install -y chromium/);
  });
});
