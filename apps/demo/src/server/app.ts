// The dashboard's server: express with the SSE router, the tRPC actions, the snapshot route and
// the page, over the simulated market and the order desk; main.ts and the tests start it.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SseErrorCode, toSseError } from '@ssekit/core';
import { type Broker, createSseServer, memoryBroker, type StreamHandlers } from '@ssekit/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Snapshot } from '../api.js';
import { contract, type MarketContract } from '../events.js';
import { Market, type MarketSink } from './market.js';
import { OrderDesk } from './orders.js';
import { createAppRouter } from './router.js';

export interface DemoServerOptions {
  /** @default 3000 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Where events are logged; the server's own in-memory broker when absent. */
  broker?: Broker;
  /** Shown in the page's footer. @default 'memory' */
  brokerName?: Snapshot['broker'];
  /** Time between two price ticks. @default 250 */
  tickMs?: number;
  /** Where messages go. @default console.log */
  log?: (message: string) => void;
}

export interface DemoServer {
  readonly url: string;
  /** Stop the market, end every stream (clients reconnect elsewhere), then stop listening. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const webSource = fileURLToPath(new URL('../web/', import.meta.url));
const webDist = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * The dashboard's server: the simulated market published through ssekit, the order desk, the
 * snapshot, and the page.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const log = options.log ?? ((message: string) => console.log(message));
  // The server's own log may hold what never reaches a client: the stack of an unexpected error.
  const describe = (error: unknown) =>
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  for (const script of ['main.js', 'react/main.js']) {
    if (!existsSync(`${webDist}${script}`)) {
      throw new Error(
        `The page is not built (${webDist}${script} is missing): run \`pnpm --filter @ssekit/demo build\``,
      );
    }
  }

  // Publishing on Redis answers with a promise: a failure is logged, never an unhandled rejection.
  const published = (result: string | Promise<string>) => {
    if (typeof result !== 'string')
      result.catch((error) => log(`publish failed: ${describe(error)}`));
  };
  const sink: MarketSink = {
    price: (data) => published(sse.publish('price', data, { topic: data.symbol })),
    trade: (data) => published(sse.publish('trade', data, { topic: data.symbol })),
    alert: (data) => published(sse.publish('alert', data, { topic: data.symbol })),
  };
  const market = new Market({ sink, tickMs: options.tickMs });
  const desk = new OrderDesk({ market });

  const streams: StreamHandlers<MarketContract> = {
    // Fill ids are 1, 2, 3…: a resumed stream skips the fills its client already has.
    orderFills: ({ input, lastEventId, signal }) =>
      desk.follow(input.orderId, Number(lastEventId ?? 0) || 0, signal),
  };
  const sse = createSseServer<MarketContract, Broker>(contract, {
    broker: options.broker ?? memoryBroker(),
    streams,
    onError: (error, context) => log(`sse ${context.type} error: ${describe(error)}`),
  });
  const router = createAppRouter({
    sse,
    streams,
    desk,
    onError: (error) => log(`trpc error: ${describe(error)}`),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use('/sse', sse.router);
  app.get('/api/snapshot', async (_req, res, next) => {
    try {
      // The id first, then the state: an event between the two arrives twice, which the page
      // tolerates (prices carry a seq, trades an id), where the other order could lose one.
      const lastEventId = await sse.broker.lastId();
      const body: Snapshot = {
        lastEventId,
        ...market.snapshot(),
        broker: options.brokerName ?? 'memory',
      };
      res.set('Cache-Control', 'no-store').json(body);
    } catch (error) {
      next(error);
    }
  });
  app.use(
    '/trpc',
    createExpressMiddleware({
      router,
      createContext: ({ req }) => ({ req }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') log(`trpc ${path} failed: ${describe(error)}`);
      },
    }),
  );
  app.get('/', (_req, res) => res.sendFile(`${webSource}index.html`));
  // The same dashboard in React (@ssekit/react), its tabs sharing one connection.
  app.get('/react', (_req, res) => res.sendFile(`${webSource}react.html`));
  app.use('/assets', express.static(webDist, { maxAge: 0 }));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const failure = toSseError(error);
    if (failure.code === SseErrorCode.INTERNAL) log(`request failed: ${describe(error)}`);
    res.status(failure.status ?? 500).json({ error: failure.toJSON() });
  });

  const server = await listen(app, options.port ?? 3000, options.host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  market.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    close(closeOptions = {}) {
      closing ??= (async () => {
        market.stop();
        desk.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await sse.close({ graceMs: closeOptions.graceMs ?? 1_000 });
        server.closeAllConnections();
        await stopped;
        // The server closes only a broker it created itself.
        await sse.broker.close();
      })();
      return closing;
    },
  };
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) reject(error);
      else resolve(server);
    });
  });
}
