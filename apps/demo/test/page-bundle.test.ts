// The dashboard's page as the demo ships it (esbuild, minified): it takes the generated client's
// plain validators, never zod's schemas: not the classic zod of the contract and the tRPC schemas,
// which the server alone needs, and not zod/mini either.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));
const page = (path: string) => fileURLToPath(new URL(`../src/web/${path}`, import.meta.url));

async function bundle(entry: string) {
  const result = await esbuild.build({
    entryPoints: [entry],
    // The demo's own dependencies (react, @trpc/client), and the packages as the demo links them.
    absWorkingDir: DEMO_DIR,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    outdir: join(tmpdir(), 'ssekit-demo-page'), // the page's CSS goes to a file of its own
    metafile: true,
    logLevel: 'silent',
  });
  const [outPath, output] = Object.entries(result.metafile.outputs).find(([path]) =>
    path.endsWith('.js'),
  )!;
  const code = result.outputFiles.find((file) => file.path.endsWith(outPath.split('/').at(-1)!))!;
  const inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  return { inputs, gzipBytes: gzipSync(code.contents).length };
}

describe("the demo's pages", () => {
  for (const entry of ['main.ts', 'react/main.ts']) {
    it(`${entry} bundles without zod's schemas or its locales`, async () => {
      const { inputs, gzipBytes } = await bundle(page(entry));
      expect(inputs.some((path) => /client\/(dist|src)\/schema/.test(path))).toBe(true);
      expect(inputs.filter((path) => /\/zod\/v4\/(mini|classic|locales)\//.test(path))).toEqual([]);
      expect(gzipBytes).toBeGreaterThan(1_000);
    });
  }
});
