/**
 * ssekit: the in-memory broker, validation on, the express router. `@ssekit/server` is loaded at run
 * time (from the workspace sources, through tsx and the tsconfig paths), so that the harness still
 * runs, and says so, while the package cannot be loaded.
 */
import express from 'express';
// The zod that @ssekit/core uses (the bench's own `zod` is 4.3, for express-zod-api's peer range).
import { z } from 'zod-workspace';
import { makePrice } from '../shared/workload.js';
import { serve, unavailable } from './harness.js';

interface SsekitServer {
  router: express.Router;
  publish(name: 'price', data: unknown): unknown;
  stats?(): { connections: number };
}
interface SsekitServerModule {
  createSseServer(contract: unknown, options: Record<string, unknown>): SsekitServer;
}
interface SsekitCoreModule {
  defineContract(definition: unknown): unknown;
  isoDate(): z.ZodType;
}

// Specifiers in variables: the harness type-checks and loads even before the package exists.
const coreSpecifier = '@ssekit/core';
const serverSpecifier = '@ssekit/server';
let core: SsekitCoreModule;
let server: SsekitServerModule;
try {
  core = (await import(coreSpecifier)) as SsekitCoreModule;
  server = (await import(serverSpecifier)) as SsekitServerModule;
} catch (error) {
  unavailable(`@ssekit/server does not load: ${(error as Error).message.split('\n')[0]}`);
}
if (typeof server.createSseServer !== 'function')
  unavailable('@ssekit/server has no createSseServer');

const price = z.object({ symbol: z.string(), price: z.number(), at: core.isoDate() });
const contract = core.defineContract({
  events: { price },
  streams: {
    ticks: { input: z.object({ count: z.number().int().min(0) }), events: { tick: price } },
  },
});

let sse: SsekitServer;
try {
  sse = server.createSseServer(contract, {
    // Above the bench's 10 000 connections, and buffers as unbounded as the other contenders':
    // the raw load generator does not reconnect after a slow-consumer close.
    maxConnections: 100_000,
    maxBufferedBytes: 256 * 1024 * 1024,
    streams: {
      ticks: async function* ({
        input,
        signal,
      }: {
        input: { count: number };
        signal: AbortSignal;
      }) {
        for (let i = 1; i <= input.count; i++) {
          if (signal.aborted) return;
          yield { event: 'tick', data: makePrice(i, i) };
        }
      },
    },
  });
} catch (error) {
  unavailable(`createSseServer throws: ${(error as Error).message.split('\n')[0]}`);
}

// Subscribers as the hub counts them; before `stats()` exists, connections the router is serving.
let open = 0;
const app = express();
app.use('/sse', (req, res, next) => {
  if (req.method === 'GET' && req.path === '/events/price') {
    open++;
    res.on('close', () => open--);
  }
  next();
});
app.use('/sse', sse.router);

await serve({
  subscribePath: '/sse/events/price',
  streamPath: `/sse/streams/ticks?input=${encodeURIComponent('{"count":')}{count}%7D`,
  handler: app,
  publish(event) {
    sse.publish('price', event);
  },
  subscribers: () => sse.stats?.().connections ?? open,
});
