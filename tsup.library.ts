// The build of every library package but codegen (which adds its CLI): ESM and CommonJS, with
// declarations and source maps. Each package's `build` script points here, so that the six builds
// cannot drift apart.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * One entry per subpath of the package's `exports`: `.` is `src/index.ts`, `./schema` is
 * `src/schema/index.ts` (built as `dist/schema.js`), so a new subpath needs no second list here.
 */
function entries(): Record<string, string> {
  const { exports } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const subpaths = Object.keys(exports).filter((key) => key !== './package.json');
  return Object.fromEntries(
    subpaths.map((key) =>
      key === '.' ? ['index', 'src/index.ts'] : [key.slice(2), `src/${key.slice(2)}/index.ts`],
    ),
  );
}

export default defineConfig({
  entry: entries(),
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Keep `node:buffer`, not `buffer`: Deno resolves Node's built-ins only with the prefix.
  removeNodeProtocol: false,
});
