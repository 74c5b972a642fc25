// Type tests: every hook's result and callback are typed from the contract, and wrong names,
// topics or inputs do not compile.
import { createClient } from '@ssekit/client';
import { defineContract, isoDate, type SseError } from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { useConnectionStatus, useEvent, useEvents, useStream, useSubscribe } from '../index.js';

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), qty: z.int() }),
  },
  streams: {
    buildLog: {
      input: z.object({ buildId: z.string() }),
      events: { line: z.object({ text: z.string() }), done: z.object({ ok: z.boolean() }) },
    },
  },
});
const client = createClient(contract, { url: '/sse' });

describe('@ssekit/react types', () => {
  it('useEvent returns the decoded type or undefined', () => {
    const price = useEvent(client, 'price', { topic: 'AAPL' });
    expectTypeOf(price).toEqualTypeOf<{ symbol: string; price: number; at: Date } | undefined>();
    // @ts-expect-error: not an event of the contract
    useEvent(client, 'nope');
  });
  it('useEvents returns a readonly list of decoded values', () => {
    const trades = useEvents(client, 'trade', { limit: 10 });
    expectTypeOf(trades).toEqualTypeOf<readonly { id: string; qty: number }[]>();
  });
  it('useSubscribe types its callback', () => {
    useSubscribe(client, 'price', (p) => expectTypeOf(p.at).toEqualTypeOf<Date>());
    // @ts-expect-error: a topic is a string or a list of strings
    useSubscribe(client, 'price', () => {}, { topic: 1 });
  });
  it('useStream types its input and events', () => {
    const { events, status, error, done } = useStream(client, 'buildLog', { buildId: '42' });
    expectTypeOf(done).toEqualTypeOf<boolean>();
    expectTypeOf(error).toEqualTypeOf<SseError | undefined>();
    expectTypeOf(status).toEqualTypeOf<
      'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'
    >();
    const first = events[0];
    if (first?.event === 'line') expectTypeOf(first.data).toEqualTypeOf<{ text: string }>();
    // @ts-expect-error: the input's buildId is a string
    useStream(client, 'buildLog', { buildId: 42 });
    // @ts-expect-error: not a stream of the contract
    useStream(client, 'nope', {});
  });
  it('useConnectionStatus returns the status union', () => {
    expectTypeOf(useConnectionStatus(client)).toEqualTypeOf<
      'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'
    >();
  });
});
