// How each target of the adapter suite starts: express, Hono on Node, a Next.js route handler module
// behind a node:http → Request/Response bridge (all in this process), and Bun and Deno (child
// processes running ./runtime-server.ts, bundled with esbuild as a Bun or Deno app would be).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { startHttpServer } from '@ssekit/test-kit';
import { build } from 'esbuild';
import express from 'express';
import { Hono } from 'hono';
import { createSseServer, type SseServer } from '../../src/index.js';
import { BASE_PATH, type Contract, contract, decodeCommand, fixtureOptions } from './fixture.js';
import * as route from './next-route.js';
import { sse as nextSse } from './next-sse.js';
import type { AdapterTarget } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../../..');

function inProcess(
  sse: SseServer<Contract, any, any>,
  origin: string,
  close: () => Promise<void>,
): AdapterTarget {
  return {
    url: `${origin}${BASE_PATH}`,
    publish: async (name, data, topic) => {
      const command = decodeCommand({ name, data, topic });
      return sse.publish(command.name, command.data, { topic: command.topic });
    },
    open: async () => sse.stats().connections + sse.stats().streams,
    close: async () => {
      await sse.close({ graceMs: 200 });
      await close();
    },
  };
}

/** express 5: `app.use('/sse', sse.router)`. */
export async function startExpress(): Promise<AdapterTarget> {
  const sse = createSseServer(
    contract,
    fixtureOptions<express.Request>((req, name) => req.get(name)),
  );
  const app = express();
  app.use(BASE_PATH, sse.router);
  const server = await startHttpServer(app);
  return inProcess(sse, server.origin, () => server.close());
}

/** Hono on Node: `app.all('/sse/*', (c) => sse.fetch(c.req.raw, c.env))` served by @hono/node-server. */
export async function startHono(): Promise<AdapterTarget> {
  const sse = createSseServer(
    contract,
    fixtureOptions<Request>((request, name) => request.headers.get(name)),
  );
  const app = new Hono();
  app.all(BASE_PATH, (c) => sse.fetch(c.req.raw, c.env));
  app.all(`${BASE_PATH}/*`, (c) => sse.fetch(c.req.raw, c.env));
  const server = await startHttpServer(getRequestListener(app.fetch));
  return inProcess(sse, server.origin, () => server.close());
}

/** The route module's exports by method, called as Next.js calls them: `(request, { params })`. */
export async function startNextRoute(): Promise<AdapterTarget> {
  const handlers: Record<
    string,
    ((request: Request, context: unknown) => Promise<Response>) | undefined
  > = {
    GET: route.GET,
    HEAD: route.HEAD,
    POST: route.POST,
  };
  const listener = getRequestListener((request) => {
    const handler = handlers[request.method];
    const path = new URL(request.url).pathname.slice(BASE_PATH.length).split('/').filter(Boolean);
    return handler
      ? handler(request, { params: Promise.resolve({ path }) })
      : new Response(null, { status: 405 });
  });
  const server = await startHttpServer(listener);
  return inProcess(nextSse, server.origin, () => server.close());
}

/** Where the runtimes' npm packages put their binaries (see pnpm-workspace.yaml onlyBuiltDependencies). */
export const RUNTIMES = {
  bun: {
    binary: join(root, 'packages/server/node_modules/bun/bin/bun.exe'),
    args: (file: string) => [file],
  },
  deno: {
    binary: join(root, 'packages/server/node_modules/deno/deno'),
    args: (file: string) => [
      'run',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--no-config',
      '--no-lock',
      file,
    ],
  },
} as const;

function missing(runtime: keyof typeof RUNTIMES, why: string): Error {
  return new Error(
    `${runtime} cannot run here (${why}). It is a devDependency of @ssekit/server: run \`pnpm install\` ` +
      `at the repository root, which runs its postinstall (pnpm-workspace.yaml lists it in ` +
      `onlyBuiltDependencies); or \`cd node_modules/${runtime} && node ${runtime === 'bun' ? 'install.js' : 'install.cjs'}\` in packages/server.`,
  );
}

/** Bundle runtime-server.ts with the sources, as `bun build` or a Deno deploy would: plain ESM. */
async function bundle(): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-runtime-'));
  const file = join(dir, 'server.mjs');
  await build({
    entryPoints: [join(here, 'runtime-server.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    tsconfig: join(root, 'tsconfig.json'),
    external: ['node:*'],
    outfile: file,
    logLevel: 'error',
  });
  return { file, dir };
}

async function control(origin: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Run the fixture under Bun or Deno in a child process; publish and count over its control route. */
export async function startRuntime(runtime: keyof typeof RUNTIMES): Promise<AdapterTarget> {
  const { binary, args } = RUNTIMES[runtime];
  if (!existsSync(binary)) throw missing(runtime, `no binary at ${binary}`);
  const { file, dir } = await bundle();
  const child: ChildProcess = spawn(binary, args(file), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(missing(runtime, `no "listening" line in 30 s: ${output}`)),
      30_000,
    );
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(missing(runtime, String(error)));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(missing(runtime, `it exited with ${code}: ${output}`));
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${BASE_PATH}`,
    publish: async (name, data, topic) =>
      ((await control(origin, '/control/publish', { name, data, topic })) as { id: string }).id,
    open: async () => {
      const stats = (await control(origin, '/control/stats')) as {
        connections: number;
        streams: number;
      };
      return stats.connections + stats.streams;
    },
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
