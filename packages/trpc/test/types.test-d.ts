import type { SseErrorJson } from '@ssekit/core';
import type { ResetReason, SseServer } from '@ssekit/server';
import { createTrpcProcedures } from '@ssekit/trpc';
import { createTRPCClient, httpSubscriptionLink, type TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter, Contract } from './app.js';
import { contract, createHandlers } from './app.js';
import { createTestClient } from './utils.js';

type Price = { symbol: string; price: number; at: Date };
type Trade = { id: string; symbol: string; qty: number };

describe('tRPC client types', () => {
  it("types the broadcast procedure's onData as a tracked union over the contract's events", () => {
    const client = createTestClient('http://localhost/trpc');
    client.sse.events.subscribe(
      { events: ['price'], topics: { price: ['AAPL'] } },
      {
        onData(item) {
          expectTypeOf(item.id).toEqualTypeOf<string>();
          expectTypeOf(item.data.event).toEqualTypeOf<
            'price' | 'trade' | 'ssekit.ready' | 'ssekit.reset'
          >();
          switch (item.data.event) {
            case 'price':
              // Decoded by the contract's schema, kept a Date by the superjson transformer.
              expectTypeOf(item.data.data).toEqualTypeOf<Price>();
              break;
            case 'trade':
              expectTypeOf(item.data.data).toEqualTypeOf<Trade>();
              break;
            case 'ssekit.reset':
              expectTypeOf(item.data.data.reason).toEqualTypeOf<ResetReason>();
              break;
            case 'ssekit.ready':
              expectTypeOf(item.data.data).toEqualTypeOf<Record<string, never>>();
              break;
          }
        },
      },
    );
    client.sse.events.subscribe(undefined, {});
    client.sse.events.subscribe({ lastEventId: 'k3f9a2-41' }, {});
    // @ts-expect-error: not an event of the contract
    client.sse.events.subscribe({ events: ['quote'] }, {});
    // @ts-expect-error: topics are keyed by the contract's events
    client.sse.events.subscribe({ topics: { quote: ['AAPL'] } }, {});
  });

  it('types each RPC stream procedure by its input and events', () => {
    const client = createTestClient('http://localhost/trpc');
    client.sse.streams.buildLog.subscribe(
      { buildId: '42', lines: 3 },
      {
        onData(item) {
          expectTypeOf(item.id).toEqualTypeOf<string>();
          if (item.data.event === 'line')
            expectTypeOf(item.data.data).toEqualTypeOf<{ n: number; text: string }>();
          else expectTypeOf(item.data.data).toEqualTypeOf<{ ok: boolean }>();
        },
        onError(error) {
          expectTypeOf(error).toEqualTypeOf<TRPCClientError<AppRouter>>();
          // The app's errorFormatter adds ssekitErrorData: typed on the client.
          expectTypeOf(error.data).toExtend<{ ssekit: SseErrorJson | null } | null | undefined>();
        },
      },
    );
    // @ts-expect-error: the stream's input is checked
    client.sse.streams.buildLog.subscribe({ buildId: 42, lines: 3 }, {});
    // @ts-expect-error: the contract has no such stream
    client.sse.streams.deploy;
  });

  it('types the publishing mutation', async () => {
    const client = createTestClient('http://localhost/trpc');
    expectTypeOf(client.placeOrder.mutate).parameter(0).toEqualTypeOf<{
      symbol: string;
      qty: number;
    }>();
    expectTypeOf(await client.placeOrder.mutate({ symbol: 'A', qty: 1 })).toEqualTypeOf<{
      tradeId: string;
      eventId: string;
    }>();
  });

  it('without a transformer, tRPC types a Date as the string JSON carries', () => {
    const t = initTRPC.create();
    const sse = {} as SseServer<Contract>;
    const router = t.router({
      sse: createTrpcProcedures(sse, {
        contract,
        procedure: t.procedure,
        streams: createHandlers([]),
      }),
    });
    const client = createTRPCClient<typeof router>({
      links: [httpSubscriptionLink({ url: '/trpc' })],
    });
    client.sse.events.subscribe(undefined, {
      onData(item) {
        if (item.data.event === 'price') expectTypeOf(item.data.data.at).toEqualTypeOf<string>();
      },
    });
  });

  it('requires the stream handlers exactly when the contract has streams', () => {
    const t = initTRPC.create();
    const sse = {} as SseServer<Contract>;
    // @ts-expect-error: streams is missing
    createTrpcProcedures(sse, { contract, procedure: t.procedure });
  });
});
