import { defineConfig } from 'tsup';

export default defineConfig({
  // `cli` is the bin (`dist/cli.js`, ESM); its CommonJS twin is built too and left unused.
  entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
