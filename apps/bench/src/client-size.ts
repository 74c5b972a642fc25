/**
 * `pnpm bench:client-size` — the browser bundle of each real-time client, as a frontend build ships
 * it (esbuild: bundle, minify, browser, ESM; then gzip): ssekit's generated demo client with its
 * validation beside the peers' clients. better-sse has no client of its own (it is read with the
 * platform EventSource), so it is not in the table. Prints a Markdown table for BENCHMARKS.md.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

interface Entry {
  readonly name: string;
  readonly what: string;
  /** The module a browser app would write to use it. */
  readonly source: string;
}

const ENTRIES: readonly Entry[] = [
  {
    name: 'ssekit (generated demo client)',
    what: 'createClient + validation and decoding (plain validators) of 3 events and 1 RPC stream',
    source: `export { createClient } from ${JSON.stringify(`${repo}apps/demo/src/web/client.generated.ts`)};`,
  },
  {
    name: 'eventsource 4',
    what: 'EventSource on fetch (no types per event, no validation)',
    source: "export { EventSource } from 'eventsource';",
  },
  {
    name: '@trpc/client 11 (httpSubscriptionLink)',
    what: 'createTRPCClient + splitLink + httpBatchLink + httpSubscriptionLink (no validation on the client)',
    source: [
      "import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';",
      'export const client = createTRPCClient({ links: [splitLink({',
      "  condition: (op) => op.type === 'subscription',",
      "  true: httpSubscriptionLink({ url: '/trpc' }),",
      "  false: httpBatchLink({ url: '/trpc' }),",
      '})] });',
    ].join('\n'),
  },
];

/** Bundle one entry as a browser app would, and measure it. */
async function measure(entry: Entry) {
  const result = await esbuild.build({
    stdin: { contents: entry.source, resolveDir: here, loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    alias: {
      '@ssekit/core': `${repo}packages/core/src/index.ts`,
      '@ssekit/client/schema': `${repo}packages/client/src/schema/index.ts`,
      '@ssekit/client': `${repo}packages/client/src/index.ts`,
      // A generated module's zod/mini (printed when plain validators do not cover a contract)
      // resolves from the demo, as in the demo's own build.
      'zod/mini': fileURLToPath(import.meta.resolve('zod-workspace/mini')),
    },
  });
  const code = result.outputFiles[0]!.contents;
  return { minBytes: code.length, gzipBytes: gzipSync(code).length };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const rows: string[] = [];
for (const entry of ENTRIES) {
  const { minBytes, gzipBytes } = await measure(entry);
  rows.push(`| ${entry.name} | ${kb(minBytes)} | ${kb(gzipBytes)} | ${entry.what} |`);
}
console.log(
  `Client bundle sizes, ${new Date().toISOString().slice(0, 10)} (esbuild ${esbuild.version}, minified, browser, gzip level 6)\n`,
);
console.log('| client | minified | gzip | what it holds |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
