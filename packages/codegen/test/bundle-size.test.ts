// The browser bundle of the demo's generated client, validation included: minified and gzipped as
// a frontend build would ship it, against the size budget of DESIGN.md.

import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_DIR, SOURCES } from './utils.js';

const DEMO_CLIENT = join(REPO_DIR, 'apps', 'demo', 'src', 'web', 'client.generated.ts');

/**
 * A regression guard, not the goal: DESIGN.md's goal is 15 KB (KB = 1024 bytes, as in
 * BENCHMARKS.md), and it is not met yet: measured 16 555 bytes on 2026-11-29 (17 348 before
 * issue 17's size work, 16 147 before shareAcrossTabs' filter rules and the shared id order). zod/mini's share is about 6.5 KB and the contract's own schemas 0.7 KB; the
 * rest is ssekit's client, of which FetchEventSource with its parser, redirect and refusal handling
 * is about 3.4 KB, always in the bundle because topic routing, POSTed stream input, headers and
 * runtimes without an EventSource all need it (issue 17 stays open for the last 1.2 KB).
 */
const BUDGET_BYTES = 16.25 * 1024;

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
