// The build of every library package but codegen (which adds its CLI): ESM and CommonJS, with
// declarations and source maps. Each package's `build` script points here, so that the six builds
// cannot drift apart.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Keep `node:buffer`, not `buffer`: Deno resolves Node's built-ins only with the prefix.
  removeNodeProtocol: false,
});
