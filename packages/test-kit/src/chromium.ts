// Headless Chromium for browser tests, found on this machine (never hard-coded) and launched
// through playwright-core. Fails with an install hint, and never skips, when there is none.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Chromium is looked for, after the `CHROMIUM_PATH` environment variable. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
] as const;

/**
 * The Chromium executable: `CHROMIUM_PATH` when set (it must exist), else the first of
 * {@link CHROMIUM_CANDIDATES} that exists. Throws with an install hint when none does.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
  }
  const found = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    `Chromium not found (CHROMIUM_PATH unset; looked at ${CHROMIUM_CANDIDATES.join(', ')}): ` +
      'install it with `apt-get install -y chromium`, or set CHROMIUM_PATH',
  );
}

/**
 * Launch headless Chromium; `await using browser = await launchChromium()` closes it. Playwright
 * gives every launch a fresh temporary profile and removes it on close (it refuses a
 * `--user-data-dir` flag with `launch()`).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      // Without these, Chromium's own connections to Google hosts fail on a closed network.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
