import { defineContract, isoDate } from '@ssekit/core';
import type { SseServer, StreamHandlers } from '@ssekit/server';
import { createTrpcProcedures, ssekitErrorData, type TrpcProceduresOptions } from '@ssekit/trpc';
import { initTRPC } from '@trpc/server';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import superjson from 'superjson';
import { z } from 'zod';

/** The market contract of the tests: broadcast prices and trades, one RPC stream. */
export const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), symbol: z.string(), qty: z.int() }),
  },
  streams: {
    buildLog: {
      input: z.object({
        buildId: z.string(),
        lines: z.int().min(0).max(10_000),
        delayMs: z.int().optional(),
      }),
      events: {
        line: z.object({ n: z.int(), text: z.string() }),
        done: z.object({ ok: z.boolean() }),
      },
    },
  },
});

export type Contract = typeof contract;

/** What the buildLog handler saw, per run: for tests of `req`, `lastEventId` and abort. */
export interface HandlerRun {
  readonly lastEventId: string | undefined;
  readonly hasRequest: boolean;
  readonly userAgent: string | undefined;
  aborted: boolean;
  finished: boolean;
}

/**
 * The RPC stream handlers, shared by the SSE endpoint and the tRPC procedures. `buildLog` yields
 * `lines` lines with ids 1…n (resuming after `lastEventId`), then `done`.
 */
export function createHandlers(runs: HandlerRun[]): StreamHandlers<Contract> {
  return {
    buildLog: async function* ({ input, lastEventId, signal, req }) {
      const run: HandlerRun = {
        lastEventId,
        hasRequest: req !== undefined,
        userAgent: req?.headers['user-agent'],
        aborted: false,
        finished: false,
      };
      runs.push(run);
      signal.addEventListener('abort', () => {
        run.aborted = true;
      });
      const start = lastEventId === undefined ? 1 : Number(lastEventId) + 1;
      for (let n = start; n <= input.lines; n++) {
        if (input.delayMs) await new Promise((resolve) => setTimeout(resolve, input.delayMs));
        if (signal.aborted) return;
        yield { event: 'line', data: { n, text: `${input.buildId}: line ${n}` }, id: String(n) };
      }
      run.finished = true;
      yield { event: 'done', data: { ok: true } };
    },
  };
}

type Context = { req: CreateExpressContextOptions['req'] };

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: { ...shape.data, ssekit: ssekitErrorData(error) },
  }),
});

/** The `authorize` option of this app's procedures. */
export type AppAuthorize = TrpcProceduresOptions<Contract, typeof t.procedure>['authorize'];

export const order = z.object({ symbol: z.string().min(1), qty: z.int().positive() });

/** The app's tRPC router: the ssekit procedures under `sse`, and a mutation that publishes. */
export function createAppRouter(
  sse: SseServer<Contract>,
  options: {
    streams: StreamHandlers<Contract>;
    authorize?: AppAuthorize;
  },
) {
  let fills = 0;
  return t.router({
    sse: createTrpcProcedures(sse, {
      contract,
      procedure: t.procedure,
      streams: options.streams,
      authorize: options.authorize,
    }),
    // The client-to-server half: a placed order becomes a `trade` event for every subscriber, on
    // tRPC and on the SSE endpoint alike.
    placeOrder: t.procedure.input(order).mutation(({ input }) => {
      fills += 1;
      const trade = { id: `T${fills}`, symbol: input.symbol, qty: input.qty };
      const eventId = sse.publish('trade', trade, { topic: input.symbol });
      return { tradeId: trade.id, eventId };
    }),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

export const createContext = ({ req }: CreateExpressContextOptions): Context => ({ req });
