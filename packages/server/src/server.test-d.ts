// Type tests of `createSseServer`: publish typed by event name, one typed handler required per
// stream of the contract.
import { defineContract, isoDate } from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createSseServer } from './server.js';

const contract = defineContract({
  events: { price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }) },
  streams: {
    buildLog: {
      input: z.object({ buildId: z.string() }),
      events: { line: z.object({ text: z.string() }), done: z.object({ ok: z.boolean() }) },
    },
  },
});

describe('server types', () => {
  it('types publish by event name and requires a handler per stream', () => {
    const sse = createSseServer(contract, {
      streams: {
        buildLog: async function* ({ input, lastEventId, signal }) {
          expectTypeOf(input).toEqualTypeOf<{ buildId: string }>();
          expectTypeOf(lastEventId).toEqualTypeOf<string | undefined>();
          expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
          yield { event: 'line', data: { text: 'ok' } };
          yield { event: 'done', data: { ok: true }, id: '1' };
        },
      },
    });
    expectTypeOf(
      sse.publish('price', { symbol: 'A', price: 1, at: new Date() }),
    ).toEqualTypeOf<string>();
    // @ts-expect-error: the wire form is not what publish takes
    sse.publish('price', { symbol: 'A', price: 1, at: '2026-01-01T00:00:00Z' });
    // @ts-expect-error: unknown event
    sse.publish('trade', {});
    // @ts-expect-error: the stream handler is missing
    createSseServer(contract, {});
    createSseServer(contract, {
      streams: {
        // @ts-expect-error: a yield with the data of another event
        buildLog: async function* () {
          yield { event: 'done' as const, data: { text: 'x' } };
        },
      },
    });
  });
});
