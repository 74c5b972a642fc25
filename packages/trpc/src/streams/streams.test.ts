// The RPC stream procedure without tRPC's server: its input parser (tRPC's lastEventId taken out)
// and streamSubscription (tracked ids, an invalid yield, a handler's error kept from the client).
import { defineContract, SseError } from '@ssekit/core';
import { isTrackedEnvelope, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ssekitErrorData } from '../errors.js';
import { NO_EVENT_ID, streamInputParser } from './input.js';
import { streamSubscription } from './subscription.js';

const contract = defineContract({
  events: {},
  streams: {
    strict: {
      input: z.strictObject({ q: z.string() }),
      events: { hit: z.object({ n: z.int() }) },
    },
    bare: { input: z.undefined(), events: { hit: z.object({ n: z.int() }) } },
    optional: {
      input: z.object({ q: z.string().optional() }).optional(),
      events: { hit: z.object({ n: z.int() }) },
    },
  },
});

describe('streamInputParser', () => {
  it("takes tRPC's lastEventId out before the stream's schema sees the input", () => {
    const parse = streamInputParser(contract, 'strict').parse;
    expect(parse({ q: 'a' })).toEqual({ input: { q: 'a' }, lastEventId: undefined });
    expect(parse({ q: 'a', lastEventId: '7' })).toEqual({ input: { q: 'a' }, lastEventId: '7' });
    expect(parse({ q: 'a', lastEventId: NO_EVENT_ID })).toEqual({
      input: { q: 'a' },
      lastEventId: undefined,
    });
  });

  it('reads `{ lastEventId }` as no input when the stream takes none', () => {
    expect(streamInputParser(contract, 'bare').parse(undefined)).toEqual({
      input: undefined,
      lastEventId: undefined,
    });
    expect(streamInputParser(contract, 'bare').parse({ lastEventId: '3' })).toEqual({
      input: undefined,
      lastEventId: '3',
    });
    expect(streamInputParser(contract, 'optional').parse({ lastEventId: '3' })).toEqual({
      input: {},
      lastEventId: '3',
    });
  });

  it('throws INVALID_INPUT with the issues, which ssekitErrorData reads back from a TRPCError', () => {
    const parse = streamInputParser(contract, 'strict').parse;
    let thrown: unknown;
    try {
      parse({ q: 1, extra: true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SseError);
    // What tRPC's input middleware does with a parser's throw.
    const wrapped = new TRPCError({ code: 'BAD_REQUEST', cause: thrown });
    expect(wrapped.message).toMatch(/^Invalid input for stream "strict": q: /);
    expect(ssekitErrorData(wrapped)).toMatchObject({
      code: 'INVALID_INPUT',
      event: 'strict',
      issues: [
        { code: 'invalid_type', path: ['q'] },
        { code: 'unrecognized_keys', path: [] },
      ],
    });
    expect(ssekitErrorData(new TRPCError({ code: 'NOT_FOUND' }))).toBeNull();
  });
});

describe('streamSubscription', () => {
  const run = (handler: () => AsyncIterable<unknown>, lastEventId?: string) => {
    const errors: unknown[] = [];
    const iterable = streamSubscription({
      contract,
      name: 'strict',
      handler: handler as never,
      input: { q: 'a' },
      lastEventId,
      principal: undefined,
      req: undefined,
      signal: new AbortController().signal,
      onError: (error) => errors.push(error),
    });
    return { iterable, errors };
  };
  const drain = async (iterable: AsyncIterable<unknown>) => {
    const out: unknown[] = [];
    for await (const value of iterable) {
      if (!isTrackedEnvelope(value)) throw new Error('not tracked');
      out.push([value[0], value[1]]);
    }
    return out;
  };

  it('tracks every item: the handler id, else the last one, else NO_EVENT_ID', async () => {
    const { iterable } = run(async function* () {
      yield { event: 'hit', data: { n: 1 } };
      yield { event: 'hit', data: { n: 2, extra: 'stripped' }, id: 'a' };
      yield { event: 'hit', data: { n: 3 } };
    });
    expect(await drain(iterable)).toEqual([
      [NO_EVENT_ID, { event: 'hit', data: { n: 1 } }],
      ['a', { event: 'hit', data: { n: 2 } }],
      ['a', { event: 'hit', data: { n: 3 } }],
    ]);
    const resumed = run(async function* () {
      yield { event: 'hit', data: { n: 4 } };
    }, 'z');
    expect(await drain(resumed.iterable)).toEqual([['z', { event: 'hit', data: { n: 4 } }]]);
  });

  it('an invalid yield ends the stream with a TRPCError naming the event; nothing after it is sent', async () => {
    const { iterable, errors } = run(async function* () {
      yield { event: 'hit', data: { n: 1 } };
      yield { event: 'hit', data: { n: 'x' } };
      yield { event: 'hit', data: { n: 3 } };
    });
    const out: unknown[] = [];
    await expect(
      (async () => {
        for await (const value of iterable) out.push(value);
      })(),
    ).rejects.toSatisfy(
      (error) =>
        error instanceof TRPCError &&
        error.code === 'INTERNAL_SERVER_ERROR' &&
        ssekitErrorData(error)?.code === 'VALIDATION_FAILED',
    );
    expect(out).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it("a handler's own error never reaches the client with its message", async () => {
    const { iterable, errors } = run(async function* () {
      yield* [];
      throw new Error('password=hunter2');
    });
    const failure = await drain(iterable).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCError);
    expect((failure as TRPCError).message).toBe('Internal error');
    expect(ssekitErrorData(failure as TRPCError)).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
    });
    expect((errors[0] as Error).message).toBe('password=hunter2');

    const refused = run(async function* () {
      yield* [];
      throw new SseError('FORBIDDEN', 'Not your build');
    });
    const forbidden = await drain(refused.iterable).catch((error: unknown) => error);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN', message: 'Not your build' });
  });
});
