// Docs cannot drift: every ```ts block of README.md and packages/*/README.md is type-checked with
// tsc (strict, NodeNext), and the blocks marked as complete programs are run.
//
// Conventions, written in the README as an HTML comment on the line before the block (invisible
// once rendered):
//   <!-- @ssekit-doc: prelude contract, dom -->  the block is a fragment: the named preludes below
//                                                are put before it (imports and declared names)
//   <!-- @ssekit-doc: run -->                    the block is a complete program: it must exit 0
//   <!-- @ssekit-doc: run bun; prelude runtimes --> a complete server for Bun or Deno: bundled, run
//                                                under that runtime with PORT set, and it must
//                                                serve a `price` event at /sse/events/price
// The README's `// events.ts` block is the contract module that other blocks import as
// './events.js'; './events.client.js' stands for the module `ssekit generate` writes from it.
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, waitFor } from '@ssekit/test-kit';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { RUNTIMES } from '../../server/test/adapters/targets.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
// Inside a node_modules folder that holds every package the READMEs import (express, @trpc/*,
// superjson, zod…), so that they resolve as in a user's project; ignored by git.
const workDir = join(root, 'packages/trpc/node_modules/.ssekit-docs');

/** Named preludes: what a fragment may assume. Each is prepended to the block. */
const PRELUDES: Record<string, string> = {
  contract: `import { contract } from './events.js';`,
  broadcastContract: `import { defineContract, isoDate } from '@ssekit/core';
import { z } from 'zod';
const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), symbol: z.string(), qty: z.int() }),
  },
});`,
  client: `import { createClient } from './events.client.js';
const client = createClient({ url: '/sse' });`,
  dom: `declare const chart: { push(at: Date, price: number): void };
declare const badge: { set(text: string): void };
declare const term: { write(text: string): void };
declare const feed: { prepend(item: unknown): void };
declare function resync(): void;
declare function log(item: unknown): void;
declare function showIssues(issues: unknown): void;`,
  sse: `import type { SseServer } from '@ssekit/server';
declare const sse: SseServer<typeof contract>;`,
  app: `import express from 'express';
const app = express();`,
  streams: `import type { StreamHandlers } from '@ssekit/server';
declare const streams: StreamHandlers<typeof contract>;`,
  fetchStreams: `import type { StreamHandlers } from '@ssekit/server';
declare const streams: StreamHandlers<typeof contract, Request>;`,
  runtimes: `declare const Bun: {
  serve(options: { port?: number; idleTimeout?: number; fetch(request: Request, server: unknown): Promise<Response> }): unknown;
};
declare const Deno: {
  serve(options: { port?: number }, handler: (request: Request, info: unknown) => Promise<Response>): unknown;
  env: { get(name: string): string | undefined };
};`,
  orders: `import { z } from 'zod';
const order = z.object({ symbol: z.string(), qty: z.int() });
declare const book: { fill(o: z.infer<typeof order>): { id: string; symbol: string; qty: number } };`,
  trpcServer: `import type { AppRouter } from './trpc.js';`,
  trpcClient: `import type { TRPCClient } from '@trpc/client';
declare const trpc: TRPCClient<typeof appRouter>;`,
};

/** Preludes for READMEs that another area owns, where no marker was written yet. */
const DEFAULT_PRELUDES: Record<string, string[]> = {
  'packages/codegen/README.md': ['contract', 'dom'],
  'packages/redis/README.md': ['broadcastContract'],
};

interface Block {
  readonly readme: string;
  /** 1-based line of the block's first code line in the README. */
  readonly line: number;
  readonly code: string;
  readonly preludes: string[];
  readonly run: boolean;
  /** A server to run under Bun or Deno. */
  readonly runtime: 'bun' | 'deno' | undefined;
}

function readmes(): string[] {
  const packages = readdirSync(join(root, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => {
      try {
        readFileSync(join(root, path));
        return true;
      } catch {
        return false;
      }
    });
  return ['README.md', ...packages];
}

function extractBlocks(readme: string): Block[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const full = (lines[i - 1] ?? '').match(/^<!-- @ssekit-doc: (.*) -->$/)?.[1] ?? '';
    // `run bun; prelude runtimes`: a runtime server, with its preludes after the semicolon.
    const runtime = full.match(/^run (bun|deno)(?:;|$)/)?.[1] as 'bun' | 'deno' | undefined;
    const marker = runtime ? full.replace(/^run (bun|deno);?\s*/, '') : full;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const preludes = marker.startsWith('prelude ')
      ? marker
          .slice('prelude '.length)
          .split(',')
          .map((name) => name.trim())
      : marker === ''
        ? (DEFAULT_PRELUDES[readme] ?? [])
        : [];
    blocks.push({
      readme,
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
      preludes,
      run: marker === 'run',
      runtime,
    });
    i = end;
  }
  return blocks;
}

/** A block that opens with `// name.ts` is that module (other blocks import it); else a file of its own. */
const fileOf = (block: Block) =>
  block.code.match(/^\/\/ ([\w-]+\.ts)\b/)?.[1] ??
  `${block.readme.replace(/[/.]/g, '_').replace(/_md$/, '')}_L${block.line}.ts`;

function prelude(block: Block): string {
  return block.preludes
    .map((name) => {
      const text = PRELUDES[name];
      if (text === undefined)
        throw new Error(`${block.readme}:${block.line}: no prelude "${name}"`);
      return text;
    })
    .join('\n');
}

function writeProject(blocks: Block[]): Map<string, { block: Block; offset: number }> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const paths = Object.fromEntries(
    ['core', 'server', 'client', 'codegen', 'openapi', 'trpc', 'redis'].map((pkg) => [
      `@ssekit/${pkg}`,
      [join(root, `packages/${pkg}/src/index.ts`)],
    ]),
  );
  writeFileSync(join(workDir, 'package.json'), '{ "type": "module", "private": true }\n');
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: ['node'],
        paths,
        allowImportingTsExtensions: true,
      },
      include: ['*.ts'],
    }),
  );
  if (!blocks.some((b) => b.readme === 'README.md' && fileOf(b) === 'events.ts')) {
    throw new Error('README.md has no `// events.ts` block: the contract');
  }
  writeFileSync(
    join(workDir, 'events.client.ts'),
    `// Stands for the module \`ssekit generate events.ts\` writes: createClient bound to the contract.
import { type ClientOptions, createClient as create } from '@ssekit/client';
import { contract } from './events.js';
export const createClient = (options: ClientOptions) => create(contract, options);
`,
  );
  const files = new Map<string, { block: Block; offset: number }>();
  for (const block of blocks) {
    if (files.has(fileOf(block))) {
      throw new Error(`${block.readme}:${block.line}: a second block named ${fileOf(block)}`);
    }
    const head = prelude(block);
    const text = head === '' ? block.code : `${head}\n${block.code}`;
    const offset = head === '' ? 0 : head.split('\n').length;
    // Every block is a module of its own, so that names do not clash between blocks.
    writeFileSync(join(workDir, fileOf(block)), `${text}\nexport {};\n`);
    files.set(fileOf(block), { block, offset });
  }
  return files;
}

describe('README code blocks', () => {
  const blocks = readmes().flatMap(extractBlocks);

  it('finds the blocks of every README', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(new Set(blocks.map((b) => b.readme))).toContain('packages/client/README.md');
  });

  it('every ```ts block type-checks (strict, NodeNext), with only its declared preludes', async () => {
    const files = writeProject(blocks);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', join(workDir, 'tsconfig.json')], {
      cwd: workDir,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    // Point each message at the README line, not at the generated file.
    const problems = result
      .split('\n')
      .filter((line) => /\(\d+,\d+\): error/.test(line))
      .map((line) => {
        const match = line.match(/^(.*?)\((\d+),(\d+)\): (error .*)$/);
        if (!match) return line;
        const file = relative(workDir, join(workDir, match[1] ?? ''));
        const entry = files.get(file);
        if (!entry) return line;
        const at = Number(match[2]) - entry.offset - 1 + entry.block.line;
        return `${entry.block.readme}:${at}: ${match[4]}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);

  it('the blocks marked as complete programs run and exit 0', async () => {
    const runnable = blocks.filter((b) => b.run);
    expect(runnable.length).toBeGreaterThan(0);
    writeProject(blocks);
    const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
    for (const block of runnable) {
      // tsx maps tsconfig paths only outside node_modules: the block imports the sources directly,
      // and they resolve each other through the paths.
      const file = join(workDir, `run_${fileOf(block)}`);
      writeFileSync(
        file,
        readFileSync(join(workDir, fileOf(block)), 'utf8').replace(
          /from '@ssekit\/(\w+)'/g,
          (_, pkg: string) => `from '${join(root, `packages/${pkg}/src/index.ts`)}'`,
        ),
      );
      const { stdout } = await run(
        process.execPath,
        [tsx, '--tsconfig', join(workDir, 'tsconfig.json'), file],
        { cwd: workDir, timeout: 30_000 },
      ).catch((error: { stderr?: string }) => {
        throw new Error(`${block.readme}:${block.line} failed: ${error.stderr ?? error}`);
      });
      expect(stdout, `${block.readme}:${block.line}`).not.toBe('');
    }
  }, 120_000);

  for (const runtime of ['bun', 'deno'] as const) {
    it(`the ${runtime} server of the README runs under ${runtime} and serves events`, async () => {
      const servers = blocks.filter((b) => b.runtime === runtime);
      expect(servers.length).toBe(1);
      writeProject(blocks);
      const block = servers[0]!;
      const { binary, args } = RUNTIMES[runtime];
      if (!existsSync(binary)) {
        throw new Error(
          `${runtime} is missing at ${binary}: run \`pnpm install\` at the repository root (it is a devDependency of @ssekit/server)`,
        );
      }
      const dir = mkdtempSync(join(tmpdir(), `ssekit-readme-${runtime}-`));
      const file = join(dir, 'server.mjs');
      await build({
        entryPoints: [join(workDir, fileOf(block))],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        mainFields: ['module', 'main'],
        tsconfig: join(workDir, 'tsconfig.json'),
        external: ['node:*'],
        outfile: file,
        logLevel: 'error',
      });
      const port = await freePort();
      const child = spawn(binary, args(file), {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, PORT: String(port), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      try {
        let text = '';
        await waitFor(
          async () => {
            const controller = new AbortController();
            const timer = setTimeout(() => controller.abort(), 2_000);
            try {
              const response = await fetch(`http://127.0.0.1:${port}/sse/events/price?topic=AAPL`, {
                headers: { authorization: 'Bearer demo' },
                signal: controller.signal,
              });
              const reader = response.body!.getReader();
              const decoder = new TextDecoder();
              while (!text.includes('event: price')) {
                const { value, done } = await reader.read();
                if (done) break;
                text += decoder.decode(value, { stream: true });
              }
              await reader.cancel();
              return text.includes('event: price');
            } catch {
              return false;
            } finally {
              clearTimeout(timer);
            }
          },
          {
            message: `a price from the ${runtime} server of ${block.readme}:${block.line}`,
            timeoutMs: 30_000,
            intervalMs: 200,
          },
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${stderr}`);
        });
        expect(text).toMatch(/\nevent: price\n/);
        expect(text).toMatch(/\ntopic: AAPL\n/);
        expect(text).toMatch(/\ndata: \{"symbol":"AAPL","price":191\.2,"at":"\d{4}-/);
      } finally {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  }
});
