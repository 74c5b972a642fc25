import {
  type BrokerEvent,
  createSseServer,
  MemoryBroker,
  type MemoryBrokerOptions,
  type SseServer,
  type SseServerBaseOptions,
} from '@ssekit/server';
import { startHttpServer } from '@ssekit/test-kit';
import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { EventSource } from 'eventsource';
import express from 'express';
import superjson from 'superjson';
import {
  type AppAuthorize,
  type AppRouter,
  type Contract,
  contract,
  createAppRouter,
  createContext,
  createHandlers,
  type HandlerRun,
} from './app.js';

/** A memory broker that counts its listeners, so that tests see subscriptions end. */
export class CountingBroker extends MemoryBroker {
  listeners = 0;
  override subscribe(listener: (events: readonly BrokerEvent[]) => void): () => void {
    this.listeners += 1;
    const off = super.subscribe(listener);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.listeners -= 1;
      off();
    };
  }
}

export interface TrpcTestServer extends AsyncDisposable {
  readonly sse: SseServer<Contract, CountingBroker>;
  readonly broker: CountingBroker;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The SSE endpoint: `<origin>/sse`. */
  readonly sseUrl: string;
  /** The tRPC endpoint: `<origin>/trpc`. */
  readonly trpcUrl: string;
  /** Every run of the buildLog handler, over SSE and tRPC. */
  readonly runs: HandlerRun[];
  /** Requests to /trpc that carried a resume id (header or query). */
  readonly resumes: string[];
  /** Destroy every open socket, as a network fault would. */
  cutSockets(): number;
  close(): Promise<void>;
}

/** ssekit and tRPC on one express app, on loopback, port 0. Dispose it with `await using`. */
export async function startTrpcTestServer(
  options: {
    broker?: MemoryBrokerOptions;
    authorize?: AppAuthorize;
    /** The SSE server's own `authorize`, which the procedures inherit when `authorize` is absent. */
    serverAuthorize?: SseServerBaseOptions['authorize'];
  } = {},
): Promise<TrpcTestServer> {
  const runs: HandlerRun[] = [];
  const resumes: string[] = [];
  const streams = createHandlers(runs);
  const broker = new CountingBroker(options.broker);
  const sse = createSseServer(contract, {
    streams,
    broker,
    heartbeatMs: null,
    authorize: options.serverAuthorize,
  });
  const router = createAppRouter(sse, { streams, authorize: options.authorize });
  const app = express();
  app.use('/sse', sse.router);
  app.use('/trpc', (req, _res, next) => {
    const header = req.headers['last-event-id'];
    const query = new URL(req.url, 'http://x').searchParams.get('lastEventId');
    const id = typeof header === 'string' && header !== '' ? header : query;
    if (id) resumes.push(id);
    next();
  });
  app.use('/trpc', createExpressMiddleware({ router, createContext }));
  const server = await startHttpServer(app);
  const origin = server.origin;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sse.close({ graceMs: 100 });
    await server.close();
    await broker.close();
  };
  return {
    sse,
    broker,
    origin,
    sseUrl: `${origin}/sse`,
    trpcUrl: `${origin}/trpc`,
    runs,
    resumes,
    cutSockets: server.cutSockets,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A tRPC client as an app would build it: httpSubscriptionLink for subscriptions, httpLink else. */
export function createTestClient(url: string): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, transformer: superjson, EventSource }),
        false: httpLink({ url, transformer: superjson }),
      }),
    ],
  });
}

export { waitFor } from '@ssekit/test-kit';
