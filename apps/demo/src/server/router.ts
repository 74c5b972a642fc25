// The dashboard's tRPC router: the `placeOrder` action, and the contract as tRPC subscriptions
// through @ssekit/trpc.
import type { Broker, SseServer, StreamHandlers } from '@ssekit/server';
import { createTrpcProcedures, toTrpcError } from '@ssekit/trpc';
import { initTRPC } from '@trpc/server';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import { orderInput } from '../api.js';
import { contract, type MarketContract } from '../events.js';
import type { OrderDesk } from './orders.js';

type Context = { req: CreateExpressContextOptions['req'] };

const t = initTRPC.context<Context>().create();

/**
 * The dashboard's tRPC router: the actions (`placeOrder`), and the same contract served as tRPC
 * subscriptions under `sse` for apps that prefer tRPC's client to `EventSource`.
 */
export function createAppRouter(options: {
  sse: SseServer<MarketContract, Broker>;
  streams: StreamHandlers<MarketContract>;
  desk: OrderDesk;
  onError?: (error: unknown) => void;
}) {
  const { sse, streams, desk } = options;
  return t.router({
    sse: createTrpcProcedures(sse, {
      contract,
      procedure: t.procedure,
      streams,
      onError: options.onError,
    }),
    /** Place an order: it is filled in slices, each published as a trade; follow it with `orderFills`. */
    placeOrder: t.procedure.input(orderInput).mutation(({ input, ctx }) => {
      try {
        return desk.place(input, ctx.req.ip ?? ctx.req.socket.remoteAddress ?? 'unknown');
      } catch (error) {
        throw toTrpcError(error);
      }
    }),
  });
}

/** The router's type: the page's tRPC client is typed with it. */
export type AppRouter = ReturnType<typeof createAppRouter>;
