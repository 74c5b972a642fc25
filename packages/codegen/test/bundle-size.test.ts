// The browser bundle of the demo's generated client, validation included: minified and gzipped as
// a frontend build would ship it, against the size budget of DESIGN.md.

import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_DIR, SOURCES } from './utils.js';

const DEMO_CLIENT = join(REPO_DIR, 'apps', 'demo', 'src', 'web', 'client.generated.ts');

/**
 * A regression guard, not the goal: DESIGN.md's goal is 15 KB, and it is not met yet (measured
 * 17 348 bytes on 2026-11-28, after the client gained its connection errors and its own redirect
 * handling). zod/mini's share is about 7.5 KB; the rest is ssekit's client, which is where the
 * remaining 2 KB have to come from (issue 17 stays open for it).
 */
const BUDGET_BYTES = 17.5 * 1024;

async function bundle(entry: string) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    alias: { '@ssekit/core': SOURCES['@ssekit/core'], '@ssekit/client': SOURCES['@ssekit/client'] },
  });
  const code = result.outputFiles[0]!.contents;
  // The modules that left code in the bundle (the metafile's inputs list every module read).
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  return { inputs, gzipBytes: gzipSync(code).length };
}

describe('the generated browser client', () => {
  it(`bundles to at most ${BUDGET_BYTES} bytes gzip, validation included`, async () => {
    const { gzipBytes } = await bundle(DEMO_CLIENT);
    expect(gzipBytes).toBeGreaterThan(1000);
    expect(gzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('takes zod/mini and zod core only: no classic zod, no locales', async () => {
    const { inputs } = await bundle(DEMO_CLIENT);
    const zod = inputs.filter((path) => path.includes('/zod/'));
    expect(zod.some((path) => path.includes('/v4/mini/'))).toBe(true);
    expect(zod.filter((path) => /\/v4\/(classic|locales)\//.test(path))).toEqual([]);
  });
});
