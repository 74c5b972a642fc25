// Every server the bench measures (CONTENDERS): its script, label and packages, and the batched
// baseline that the report's ratios are against.

/** The contenders: a server script each, and the packages whose versions the report lists. */
export interface ContenderInfo {
  readonly id: string;
  readonly label: string;
  readonly script: string;
  /** Packages in apps/bench/node_modules that make up this contender, for the versions table. */
  readonly packages: readonly string[];
  readonly description: string;
  /** Still being written: a build or start-up failure reports it unavailable instead of failed. */
  readonly pending?: boolean;
  /** Environment of its server process: how a scenario picks a variant of one server script. */
  readonly env?: Readonly<Record<string, string>>;
  /** The runtime of its server process. @default 'node' */
  readonly runtime?: 'node' | 'bun';
}

export const CONTENDERS: readonly ContenderInfo[] = [
  {
    id: 'batched',
    label: 'batched (node:http)',
    script: 'batched.ts',
    packages: [],
    description: 'hand-written: serialise once, one buffer per tick, one write per client per tick',
  },
  {
    id: 'raw',
    label: 'raw socket (node:net)',
    script: 'raw.ts',
    packages: [],
    description:
      'the batched fan-out written on the socket: head by hand, Connection: close, no chunked framing',
  },
  {
    id: 'raw-chunked',
    label: 'raw socket, chunked (node:net)',
    script: 'raw.ts',
    packages: [],
    description:
      'the batched fan-out on the socket: head by hand, Transfer-Encoding: chunked, each tick framed once for all clients',
    env: { RAW_CHUNKED: '1' },
  },
  {
    id: 'naive',
    label: 'naive (node:http)',
    script: 'naive.ts',
    packages: [],
    description: 'hand-written: serialise once, one write per event per client',
  },
  {
    id: 'better-sse',
    label: 'better-sse',
    script: 'better-sse.ts',
    packages: ['better-sse'],
    description: 'Channel.broadcast to Sessions on node:http',
  },
  {
    id: 'trpc',
    label: 'tRPC',
    script: 'trpc.ts',
    packages: ['@trpc/server', 'express'],
    description:
      'SSE subscriptions (tracked ids) on the express adapter, an EventEmitter broadcast',
  },
  {
    id: 'express-zod-api',
    label: 'express-zod-api',
    script: 'express-zod-api.ts',
    packages: ['express-zod-api', 'express', 'zod'],
    description: 'EventStreamFactory endpoints on express, emit per subscriber',
  },
  {
    id: 'ssekit',
    label: 'ssekit',
    script: 'ssekit.ts',
    packages: ['@ssekit/server', '@ssekit/core', 'express', 'zod-workspace'],
    description: 'createSseServer, in-memory broker, validation on, express router',
    pending: true,
  },
  {
    id: 'ssekit-fetch',
    label: 'ssekit, sse.fetch on Node',
    script: 'ssekit.ts',
    packages: ['@ssekit/server', '@ssekit/core', '@hono/node-server', 'zod-workspace'],
    description:
      'the same server through its Fetch API handler, on node:http via @hono/node-server getRequestListener',
    pending: true,
    env: { SSEKIT_BENCH_ADAPTER: 'fetch' },
  },
  {
    id: 'ssekit-bun',
    label: 'ssekit, sse.fetch on Bun',
    script: 'ssekit.ts',
    packages: ['@ssekit/server', '@ssekit/core', '@hono/node-server', 'zod-workspace'],
    description:
      "the same Fetch handler run by Bun (the npm package's binary), on Bun's node:http through getRequestListener (memory after Bun.gc(true))",
    pending: true,
    env: { SSEKIT_BENCH_ADAPTER: 'fetch' },
    runtime: 'bun',
  },
];

/** Ratios in the report are against this contender. */
export const BASELINE_ID = 'batched';
