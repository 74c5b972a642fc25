// broadcastSubscription on the memory broker, without tRPC's server: replay then live with no gap
// or duplicate, resets, undecodable events, a slow consumer, aborts, a throwing predicate.
import { defineContract } from '@ssekit/core';
import {
  type Broker,
  type BrokerEntry,
  type BrokerEvent,
  type BrokerSubscribeOptions,
  MemoryBroker,
  type ReadResult,
} from '@ssekit/server';
import { waitFor } from '@ssekit/test-kit';
import { isTrackedEnvelope, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDecoder } from './decode.js';
import { createFilter } from './input.js';
import { type BroadcastContext, broadcastSubscription } from './subscription.js';

const contract = defineContract({
  events: { tick: z.object({ n: z.int() }), other: z.object({}) },
});

/** A broker whose log moves on while a read is in flight, as Redis's does. */
class RacingBroker implements Broker {
  readonly #log = new MemoryBroker();
  duringRead: (() => void) | undefined;
  listeners = 0;
  readonly resets = new Set<NonNullable<BrokerSubscribeOptions['onReset']>>();
  /** Report a loss, as a Redis that restarted empty does. */
  lose(lastId: string): void {
    for (const onReset of this.resets) onReset({ reason: 'unknown-epoch', lastId });
  }
  append(entry: BrokerEntry): string {
    return this.#log.append(entry);
  }
  async readSince(lastEventId: string): Promise<ReadResult> {
    await Promise.resolve();
    this.duringRead?.();
    this.duringRead = undefined;
    return this.#log.readSince(lastEventId);
  }
  subscribe(
    listener: (events: readonly BrokerEvent[]) => void,
    options: BrokerSubscribeOptions = {},
  ): () => void {
    this.listeners += 1;
    const off = this.#log.subscribe(listener);
    const { onReset } = options;
    if (onReset) this.resets.add(onReset);
    return () => {
      this.listeners -= 1;
      if (onReset) this.resets.delete(onReset);
      off();
    };
  }
  lastId(): string {
    return this.#log.lastId();
  }
  compare(a: string, b: string): number | undefined {
    return this.#log.compare(a, b);
  }
  close(): Promise<void> {
    return this.#log.close();
  }
}

function setup(options: { maxBufferedBytes?: number | null } = {}) {
  const broker = new RacingBroker();
  const errors: unknown[] = [];
  const ctx: BroadcastContext = {
    contract,
    broker,
    decode: createDecoder(contract),
    maxBufferedBytes: options.maxBufferedBytes ?? null,
    onError: (error) => errors.push(error),
  };
  const tick = (n: number) =>
    broker.append({ event: 'tick', topic: undefined, data: `{"n":${n}}` });
  return { broker, ctx, errors, tick };
}

/** The `[id, { event, data }]` of a tracked envelope. */
function unwrap(value: unknown): [string, { event: string; data: unknown }] {
  if (!isTrackedEnvelope(value)) throw new Error('not tracked');
  return [value[0], value[1] as { event: string; data: unknown }];
}

async function take(iterator: AsyncGenerator<unknown>, count: number) {
  const out: [string, { event: string; data: unknown }][] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(unwrap(next.value));
  }
  return out;
}

describe('broadcastSubscription', () => {
  it('drops live events that the replay already held, and loses none published during the read', async () => {
    const { broker, ctx, tick } = setup();
    const from = tick(0);
    const controller = new AbortController();
    broker.duringRead = () => {
      // Published after the subscription started and before the read answered: in the log (so in
      // the replay) and in the live queue.
      for (let n = 1; n <= 3; n++) tick(n);
    };
    const sub = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: undefined,
      lastEventId: from,
      signal: controller.signal,
    });
    const first = await take(sub, 3);
    tick(4);
    const rest = await take(sub, 1);
    expect([...first, ...rest].map(([, item]) => item.data)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
      { n: 4 },
    ]);
    controller.abort();
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    expect(broker.listeners).toBe(0);
  });

  it('a new subscription announces the head, then gets what was published since', async () => {
    const { broker, ctx, tick } = setup();
    tick(0);
    const controller = new AbortController();
    const sub = broadcastSubscription(ctx, {
      filter: createFilter({ events: ['tick'] }),
      predicate: undefined,
      lastEventId: undefined,
      signal: controller.signal,
    });
    const [ready] = await take(sub, 1);
    expect(ready).toEqual([broker.lastId(), { event: 'ssekit.ready', data: {} }]);
    broker.append({ event: 'other', topic: undefined, data: '{}' });
    const id = tick(1);
    expect(await take(sub, 1)).toEqual([[id, { event: 'tick', data: { n: 1 } }]]);
    controller.abort();
    await sub.return();
  });

  it('skips and reports an event the contract cannot decode', async () => {
    const { broker, ctx, errors, tick } = setup();
    const controller = new AbortController();
    const sub = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: undefined,
      lastEventId: broker.lastId(),
      signal: controller.signal,
    });
    const pending = take(sub, 1);
    await Promise.resolve();
    broker.append({ event: 'tick', topic: undefined, data: '{"n":"x"}' });
    broker.append({ event: 'unknown', topic: undefined, data: '{}' });
    tick(2);
    expect((await pending).map(([, item]) => item.data)).toEqual([{ n: 2 }]);
    expect(errors).toMatchObject([{ code: 'VALIDATION_FAILED', event: 'tick' }]);
    controller.abort();
    await sub.return();
  });

  it('ends with a retryable SERVICE_UNAVAILABLE when the consumer falls too far behind', async () => {
    const { broker, ctx, tick } = setup({ maxBufferedBytes: 100 });
    const controller = new AbortController();
    const sub = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: undefined,
      lastEventId: broker.lastId(),
      signal: controller.signal,
    });
    const first = sub.next();
    await waitFor(() => broker.listeners === 1, 'the generator to wait for live events');
    tick(0);
    await first;
    // Nobody pulls while these arrive: about 9 bytes each, past the 100-byte bound.
    for (let n = 1; n <= 20; n++) tick(n);
    await expect(sub.next()).rejects.toSatisfy(
      (error) => error instanceof TRPCError && error.code === 'SERVICE_UNAVAILABLE',
    );
    expect(broker.listeners).toBe(0);
  });

  it('an abort while waiting for live events ends the generator and unsubscribes', async () => {
    const { broker, ctx } = setup();
    const controller = new AbortController();
    const sub = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: undefined,
      lastEventId: broker.lastId(),
      signal: controller.signal,
    });
    const pending = sub.next();
    await waitFor(() => broker.listeners === 1, 'the generator to wait for live events');
    expect(broker.listeners).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(broker.listeners).toBe(0);
  });

  it('a loss the broker reports reaches a live subscription as one reset, then live events go on', async () => {
    const { broker, ctx, tick } = setup();
    const controller = new AbortController();
    const sub = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: undefined,
      lastEventId: tick(0),
      signal: controller.signal,
    });
    const pending = take(sub, 3);
    await waitFor(() => broker.listeners === 1, 'the generator to wait for live events');
    const before = tick(1);
    broker.lose(before);
    tick(2);
    const items = await pending;
    expect(items.map(([, item]) => item.event)).toEqual(['tick', 'ssekit.reset', 'tick']);
    expect(items[1]).toEqual([
      before,
      { event: 'ssekit.reset', data: { reason: 'unknown-epoch' } },
    ]);
    controller.abort();
    await sub.return();
  });

  it('a predicate that throws ends its own subscription with the error, others go on', async () => {
    const { broker, ctx, tick } = setup();
    const controller = new AbortController();
    const bad = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: () => {
        throw new TypeError('predicate bug');
      },
      lastEventId: broker.lastId(),
      signal: controller.signal,
    });
    const good = broadcastSubscription(ctx, {
      filter: createFilter(undefined),
      predicate: undefined,
      lastEventId: broker.lastId(),
      signal: controller.signal,
    });
    const badNext = bad.next();
    const goodNext = take(good, 1);
    await waitFor(() => broker.listeners === 2, 'both generators to wait for live events');
    tick(7);
    await expect(badNext).rejects.toThrow('predicate bug');
    expect((await goodNext).map(([, item]) => item.data)).toEqual([{ n: 7 }]);
    controller.abort();
    await good.return();
  });
});
