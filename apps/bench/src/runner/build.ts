/**
 * Bundle the servers and the load generator with esbuild before a run, the way tsup builds the
 * packages: ssekit from the workspace sources (tsconfig paths), every npm package left external.
 * Not tsx at run time: the bundles are what a user's build runs (tsx adds `keepNames` wrappers),
 * and a process starts in a fraction of the second tsx needs, with a fresh server per measurement.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
/**
 * `BENCH_HARNESS_DIR` gives a run bundles of its own, so that two runs at once do not overwrite each
 * other's. Keep it inside apps/bench (e.g. `dist/harness-2`): the bundles import npm packages by name.
 */
export const OUT_DIR = process.env.BENCH_HARNESS_DIR ?? `${BENCH_DIR}/dist/harness`;

/** Bare imports that stay imports: everything from npm. `@ssekit/*` is bundled from source. */
const EXTERNAL = [
  '@hono/node-server',
  'better-sse',
  '@trpc/server',
  'express',
  'express-zod-api',
  'zod',
  'zod-workspace',
];

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: OUT_DIR,
  outbase: `${BENCH_DIR}/src`,
  external: EXTERNAL,
  tsconfig: `${BENCH_DIR}/tsconfig.json`,
  sourcemap: 'linked',
  logLevel: 'silent',
};

export interface BuildResult {
  /** Scripts that did not build, with esbuild's first error: their contender is unavailable. */
  readonly failed: ReadonlyMap<string, string>;
}

export async function buildHarness(): Promise<BuildResult> {
  const servers = readdirSync(`${BENCH_DIR}/src/servers`).filter(
    (f) => f.endsWith('.ts') && !['harness.ts', 'sse-node.ts', 'ssekit.ts'].includes(f),
  );
  await build({
    ...common,
    entryPoints: [
      `${BENCH_DIR}/src/loadgen/main.ts`,
      ...servers.map((f) => `${BENCH_DIR}/src/servers/${f}`),
    ],
  });
  const failed = new Map<string, string>();
  try {
    // ssekit's own sources import `zod`: give them the workspace's zod, the one they are built for
    // (the bench's `zod` is express-zod-api's 4.3).
    await build({
      ...common,
      entryPoints: [`${BENCH_DIR}/src/servers/ssekit.ts`],
      alias: { zod: 'zod-workspace' },
    });
  } catch (error) {
    const first = (
      error as { errors?: { text: string; location?: { file: string; line: number } }[] }
    ).errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    failed.set('ssekit.ts', first ? `${first.text}${where}` : String(error));
  }
  return { failed };
}
