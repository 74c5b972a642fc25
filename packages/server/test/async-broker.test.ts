// A broker whose head is asynchronous and unreachable at start (a Redis that is down) must not
// crash the process: the hub reads the head at construction only for its synchronous fast path.
import { defineContract } from '@ssekit/core';
import { type Broker, createSseServer, MemoryBroker } from '@ssekit/server';
import { expect, it } from 'vitest';
import { z } from 'zod';

const contract = defineContract({ events: { tick: z.object({ n: z.int() }) } });

it('an asynchronous broker whose lastId rejects at start leaves no unhandled rejection', async () => {
  const inner = new MemoryBroker();
  const broker: Broker = {
    append: (entry) => Promise.resolve(inner.append(entry)),
    readSince: (id, options) => Promise.resolve(inner.readSince(id, options)),
    subscribe: (listener) => inner.subscribe(listener),
    lastId: () => Promise.reject(new Error('Redis is down')),
    compare: (a, b) => inner.compare(a, b),
    close: () => inner.close(),
  };
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const sse = createSseServer(contract, { broker });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sse.close({ graceMs: 10 });
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  expect(rejections).toEqual([]);
});
