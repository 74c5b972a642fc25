// The test loops, one vitest project each: unit (pure, beside the code), integration (real
// sockets), browser (Chromium), redis (redis-server). `pnpm test` runs them all; see CONTRIBUTING.md.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests that drive Chromium: a `test/browser/` folder, or a file named `*.browser.test.ts`. */
const BROWSER = [
  'packages/*/test/browser/**/*.test.ts',
  '{packages,apps}/*/test/**/*.browser.test.ts',
  'apps/demo/test/e2e.test.ts',
];
/** Tests that start redis-server: the Redis package's, or a file named `*.redis.test.ts`. */
const REDIS = ['packages/redis/test/**/*.test.ts', '{packages,apps}/*/test/**/*.redis.test.ts'];

export default defineConfig({
  resolve: {
    alias: {
      '@ssekit/core': src('core'),
      '@ssekit/server': src('server'),
      // Before '@ssekit/client', which would otherwise take it as a path under its index file.
      '@ssekit/client/schema': fileURLToPath(
        new URL('./packages/client/src/schema/index.ts', import.meta.url),
      ),
      '@ssekit/client': src('client'),
      '@ssekit/codegen': src('codegen'),
      '@ssekit/openapi': src('openapi'),
      '@ssekit/trpc': src('trpc'),
      '@ssekit/redis': src('redis'),
      '@ssekit/react': src('react'),
      '@ssekit/test-kit': fileURLToPath(
        new URL('./packages/test-kit/src/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Types are checked once, by `pnpm typecheck` (tsc over src, test and every `*.test-d.ts`).
    typecheck: { enabled: false },
    projects: [
      {
        extends: true,
        // Pure tests beside the code: no sockets, no child processes, no real waiting. Also the
        // repository's own house rules (scripts/*.test.ts), which read the source as text.
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'scripts/*.test.ts'],
          // One module graph for all unit files: zod and core load once, not once per file.
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          exclude: [...BROWSER, ...REDIS, '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: BROWSER, exclude: ['**/node_modules/**'] },
      },
      {
        extends: true,
        test: { name: 'redis', include: REDIS, exclude: ['**/node_modules/**'] },
      },
    ],
  },
});
