// `encodedYields`, the one way a stream handler is called and its yields taken (the SSE endpoint and
// tRPC): yields checked and encoded in order, the handler called on the first pull, and its iterator
// returned (its `finally` run) whenever the consumer stops early, a yield is refused or the signal aborts.
import { defineContract, SseError } from '@ssekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type EncodedYield, encodedYields } from './encode-yield.js';

const contract = defineContract({
  events: {},
  streams: {
    count: { input: z.object({}), events: { n: z.object({ n: z.int() }) } },
  },
});

/** A handler that records how far it got, and whether its `finally` ran. */
function recorder(items: readonly unknown[], options: { throwAfter?: number } = {}) {
  const log = { called: 0, yielded: 0, finallyRan: false };
  const handler = async function* () {
    log.called += 1;
    try {
      for (const item of items) {
        if (options.throwAfter === log.yielded) throw new Error('handler failed');
        log.yielded += 1;
        yield item;
      }
    } finally {
      log.finallyRan = true;
    }
  };
  return { log, handler };
}

function yieldsOf(handler: unknown, signal = new AbortController().signal) {
  return encodedYields({
    contract,
    name: 'count',
    handler: handler as never,
    input: {},
    lastEventId: undefined,
    principal: undefined,
    req: undefined,
    signal,
  });
}

async function collect(iterable: AsyncIterable<EncodedYield>): Promise<EncodedYield[]> {
  const out: EncodedYield[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const n = (value: number, id?: string) => ({ event: 'n', data: { n: value }, id });

describe('encodedYields', () => {
  it('takes every yield in order, encoded, and calls the handler on the first pull only', async () => {
    const { log, handler } = recorder([n(1), n(2, 'b'), n(3)]);
    const yields = yieldsOf(handler);
    expect(log.called).toBe(0);
    expect(await collect(yields)).toEqual([
      { event: 'n', data: '{"n":1}', id: undefined },
      { event: 'n', data: '{"n":2}', id: 'b' },
      { event: 'n', data: '{"n":3}', id: undefined },
    ]);
    expect(log).toEqual({ called: 1, yielded: 3, finallyRan: true });
    expect(await yields.next()).toEqual({ done: true, value: undefined });
  });

  it("returns the handler's iterator when the consumer stops early", async () => {
    const { log, handler } = recorder([n(1), n(2), n(3)]);
    for await (const item of yieldsOf(handler)) {
      expect(item.data).toBe('{"n":1}');
      break;
    }
    expect(log).toEqual({ called: 1, yielded: 1, finallyRan: true });
  });

  it('refuses an invalid yield with VALIDATION_FAILED and ends the handler', async () => {
    const { log, handler } = recorder([n(1), n(1.5), n(3)]);
    const error = await collect(yieldsOf(handler)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SseError);
    expect((error as SseError).code).toBe('VALIDATION_FAILED');
    expect(log).toEqual({ called: 1, yielded: 2, finallyRan: true });
  });

  it("reports the refusal, not a throw of the handler's finally", async () => {
    const handler = async function* () {
      try {
        yield n(1.5);
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the case under test
        throw new Error('finally failed');
      }
    };
    const error = await collect(yieldsOf(handler)).catch((e: unknown) => e);
    expect((error as SseError).code).toBe('VALIDATION_FAILED');
  });

  it('refuses an event the stream does not declare', async () => {
    const { log, handler } = recorder([{ event: 'other', data: {} }]);
    const error = await collect(yieldsOf(handler)).catch((e: unknown) => e);
    expect((error as SseError).code).toBe('VALIDATION_FAILED');
    expect(log.finallyRan).toBe(true);
  });

  it("passes the handler's own throw on", async () => {
    const { log, handler } = recorder([n(1), n(2)], { throwAfter: 1 });
    const seen: EncodedYield[] = [];
    const error = await (async () => {
      for await (const item of yieldsOf(handler)) seen.push(item);
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('handler failed');
    expect(seen).toHaveLength(1);
    expect(log.finallyRan).toBe(true);
  });

  it('takes no yield after the signal aborts, and ends the handler', async () => {
    const controller = new AbortController();
    const { log, handler } = recorder([n(1), n(2), n(3)]);
    const seen: EncodedYield[] = [];
    for await (const item of yieldsOf(handler, controller.signal)) {
      seen.push(item);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
    expect(log).toEqual({ called: 1, yielded: 2, finallyRan: true });
  });

  it('takes a plain iterable, as `for await` does', async () => {
    const handler = () => [n(1), n(2)];
    expect((await collect(yieldsOf(handler))).map((item) => item.data)).toEqual([
      '{"n":1}',
      '{"n":2}',
    ]);
  });
});
