// Type tests of `createClient`: subscribers get decoded types, unknown names and fields do not
// compile, stream inputs and events are typed, and the options that bound and report failures.
import { bigintString, defineContract, isoDate, type SseError } from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { SseConnectionError } from './connect/connection-error.js';
import { createClient } from './create-client.js';

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), volume: bigintString(), side: z.enum(['buy', 'sell']) }),
  },
  streams: {
    buildLog: {
      input: z.object({ buildId: z.string() }),
      events: { line: z.object({ text: z.string() }), done: z.object({ ok: z.boolean() }) },
    },
  },
});

const client = createClient(contract, { url: '/sse' });

describe('client types', () => {
  it('gives subscribers the decoded type', () => {
    client.subscribe('price', (p) => {
      expectTypeOf(p).toEqualTypeOf<{ symbol: string; price: number; at: Date }>();
    });
    client.subscribe('trade', (t) => {
      expectTypeOf(t.volume).toEqualTypeOf<bigint>();
      expectTypeOf(t.side).toEqualTypeOf<'buy' | 'sell'>();
    });
    expectTypeOf(client.events('price')).toEqualTypeOf<
      AsyncIterableIterator<{ symbol: string; price: number; at: Date }>
    >();
  });

  it('refuses unknown event names and fields', () => {
    // @ts-expect-error: not an event of the contract
    client.subscribe('pirce', () => {});
    client.subscribe('price', (p) => {
      // @ts-expect-error: not a field of price
      p.volume;
    });
    // @ts-expect-error: topic is a string or strings
    client.subscribe('price', () => {}, { topic: 42 });
  });

  it('types stream input and events as a discriminated union', () => {
    const build = client.stream('buildLog', { buildId: '42' });
    build.on('line', (l) => expectTypeOf(l).toEqualTypeOf<{ text: string }>());
    // @ts-expect-error: not an event of buildLog
    build.on('price', () => {});
    // @ts-expect-error: wrong input field
    client.stream('buildLog', { build: '42' });
    // @ts-expect-error: not a stream
    client.stream('nope', {});
    (async () => {
      for await (const item of build) {
        if (item.event === 'line') expectTypeOf(item.data).toEqualTypeOf<{ text: string }>();
        else expectTypeOf(item.data).toEqualTypeOf<{ ok: boolean }>();
      }
    })();
  });

  it('takes the options that bound and report failures', () => {
    const stream = client.stream('buildLog', { buildId: '42' }, { connectTimeoutMs: 5_000 });
    expectTypeOf(stream.done).toEqualTypeOf<Promise<void>>();
    client.stream('buildLog', { buildId: '42' }, { connectTimeoutMs: null });
    // @ts-expect-error: a duration in ms, or null
    client.stream('buildLog', { buildId: '42' }, { connectTimeoutMs: '5s' });
    expectTypeOf<SseConnectionError['attempt']>().toEqualTypeOf<number>();
    expectTypeOf<SseConnectionError>().toMatchTypeOf<SseError>();
  });
});
