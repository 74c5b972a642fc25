// The fixture server as a program, for the runtimes that run in a child process (Bun, Deno): the SSE
// endpoints through `sse.fetch`, and `/control/*` for the test to publish and read counters. Prints
// `listening <port>` once it accepts connections. Usage: bun runtime-server.ts / deno run -A …
import { createSseServer } from '../../src/index.js';
import {
  BASE_PATH,
  contract,
  decodeCommand,
  fixtureOptions,
  type PublishCommand,
} from './fixture.js';

const sse = createSseServer(
  contract,
  fixtureOptions<Request>((request, name) => request.headers.get(name)),
);

async function control(request: Request, path: string): Promise<Response> {
  if (path === '/control/publish') {
    const { name, data, topic } = decodeCommand((await request.json()) as PublishCommand);
    const id = await sse.publish(name, data, { topic });
    return Response.json({ id });
  }
  if (path === '/control/stats') return Response.json(sse.stats());
  return new Response('no such control', { status: 404 });
}

function handle(request: Request, info: unknown): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path.startsWith('/control/')) return control(request, path);
  if (path === BASE_PATH || path.startsWith(`${BASE_PATH}/`)) return sse.fetch(request, info);
  return Promise.resolve(new Response('not found', { status: 404 }));
}

interface BunLike {
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout?: number;
    fetch: (request: Request, server: unknown) => Promise<Response>;
  }): { port: number };
}
interface DenoLike {
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void },
    handler: (request: Request, info: unknown) => Promise<Response>,
  ): unknown;
}

const runtime = globalThis as { Bun?: BunLike; Deno?: DenoLike };
if (runtime.Bun) {
  // idleTimeout 0: Bun closes a response that sends nothing for 10 s by default, an idle SSE stream.
  const server = runtime.Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    fetch: handle,
  });
  console.log(`listening ${server.port}`);
} else if (runtime.Deno) {
  runtime.Deno.serve(
    { port: 0, hostname: '127.0.0.1', onListen: (addr) => console.log(`listening ${addr.port}`) },
    handle,
  );
} else {
  throw new Error('runtime-server.ts runs under Bun or Deno');
}
