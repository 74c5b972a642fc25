// The browser bundle of the demo's generated client, validation included: minified and gzipped as
// a frontend build would ship it, against the size budget of DESIGN.md.

import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_DIR, SOURCES } from './utils.js';

const DEMO_CLIENT = join(REPO_DIR, 'apps', 'demo', 'src', 'web', 'client.generated.ts');

/**
 * DESIGN.md's budget, 15 KB (KB = 1024 bytes, as in BENCHMARKS.md). Measured 13 290 bytes on
 * 2026-11-29, since the demo's module validates with the plain validators of `@ssekit/client/schema`
 * (16 555 with zod/mini's schemas, 17 348 before issue 17's size work). What is left of zod is
 * zod core's `safeEncode` (about 1.6 KB), which the client keeps for contracts of zod schemas.
 */
const BUDGET_BYTES = 15 * 1024;

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
    alias: {
      '@ssekit/core': SOURCES['@ssekit/core'],
      '@ssekit/client/schema': SOURCES['@ssekit/client/schema'],
      '@ssekit/client': SOURCES['@ssekit/client'],
    },
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

  it('takes no zod schemas: no zod/mini, no classic zod, no locales', async () => {
    const { inputs } = await bundle(DEMO_CLIENT);
    const zod = inputs.filter((path) => path.includes('/zod/'));
    expect(inputs.some((path) => path.includes('packages/client/src/schema/'))).toBe(true);
    expect(zod.filter((path) => /\/v4\/(mini|classic|locales)\//.test(path))).toEqual([]);
  });
});
