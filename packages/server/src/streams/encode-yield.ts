// An RPC stream handler's yields, checked and encoded: one rule for what a handler may yield, and
// one way to call it, shared by the SSE endpoint (run.ts) and `@ssekit/trpc`'s stream procedures.
import {
  type AnyContract,
  checkEventSize,
  encodeData,
  MAX_RESUME_ID_LENGTH,
  SseError,
  SseErrorCode,
} from '@ssekit/core';
import type { StreamHandler } from '../types.js';

/** One yield of an RPC stream handler, checked and encoded: what goes on the wire. */
export interface EncodedYield {
  readonly event: string;
  /** The encoded data, one line of JSON. */
  readonly data: string;
  readonly id: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Check one value an RPC stream handler yielded against the stream's event schemas and encode it
 * (`z.encode`, then JSON). The SSE endpoint and `@ssekit/trpc` both run handlers through this, so a
 * yield is accepted or refused the same way on either.
 *
 * @throws SseError `VALIDATION_FAILED` for an unknown event or data that fails its schema,
 * `EVENT_TOO_LARGE` past `maxEventBytes` (the same bound as a broadcast publish).
 */
export function encodeStreamYield(
  contract: AnyContract,
  stream: string,
  item: unknown,
  options: { readonly maxEventBytes?: number | undefined } = {},
): EncodedYield {
  const schemas = contract.streams[stream]?.events;
  if (
    !schemas ||
    !isObject(item) ||
    typeof item.event !== 'string' ||
    !Object.hasOwn(schemas, item.event)
  ) {
    throw new SseError(
      SseErrorCode.VALIDATION_FAILED,
      `Stream "${stream}" yielded an unknown event`,
      {
        event: stream,
      },
    );
  }
  const data = encodeData(schemas[item.event]!, item.data, `${stream}.${item.event}`);
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
  if (id !== undefined && id.length > MAX_RESUME_ID_LENGTH) {
    // The client sends it back as Last-Event-ID, which servers bound to this length.
    throw new SseError(
      SseErrorCode.VALIDATION_FAILED,
      `Stream "${stream}" yielded an id longer than ${MAX_RESUME_ID_LENGTH} characters`,
      { event: stream },
    );
  }
  checkEventSize(
    `${stream}.${item.event}`,
    data,
    item.event.length + (id?.length ?? 0),
    options.maxEventBytes,
  );
  return { event: item.event, data, id };
}

/** Inputs of {@link encodedYields}: the handler, what it is called with, and the yield bound. */
export interface EncodedYieldsOptions<TRequest> {
  readonly contract: AnyContract;
  /** The stream's name in the contract. */
  readonly name: string;
  readonly handler: StreamHandler<AnyContract, string, TRequest>;
  /** The input, already checked with the stream's schema. */
  readonly input: unknown;
  readonly lastEventId: string | undefined;
  readonly principal: unknown;
  /** The request handed to the handler: the adapter's own (express's `req`, the Fetch `Request`). */
  readonly req: TRequest;
  /** Aborts when the client goes away; the handler gets it, and no yield is taken after it. */
  readonly signal: AbortSignal;
  /** The bound on one encoded event, as for a publish. @default DEFAULT_MAX_EVENT_BYTES (256 KiB) */
  readonly maxEventBytes?: number | undefined;
}

/**
 * Call an RPC stream handler and pull its yields, each checked and encoded by `encodeStreamYield`,
 * until the handler returns or `signal` aborts. The SSE endpoint and `@ssekit/trpc` both run
 * handlers through this, so a handler is called, and its yields taken, the same way on either.
 *
 * The handler is called on the first `next()`. A throw (the handler's, or a yield refused) goes to
 * the caller; a refused yield, an abort and leaving the loop early each return the handler's
 * iterator, so its `finally` blocks run.
 *
 * Written as an iterator, not an async generator: a generator here costs a second generator's
 * resumption and request queue on every yield of a stream of 100 000 (issue 18).
 */
export function encodedYields<TRequest>(
  options: EncodedYieldsOptions<TRequest>,
): AsyncIterableIterator<EncodedYield> {
  const { contract, name, signal, maxEventBytes } = options;
  let source: AsyncIterator<unknown> | undefined;
  let finished = false;

  const start = (): AsyncIterator<unknown> => {
    const iterable = options.handler({
      input: options.input as never,
      lastEventId: options.lastEventId,
      principal: options.principal,
      signal,
      req: options.req,
    }) as AsyncIterable<unknown> | Iterable<unknown>;
    // A plain `Iterable` from JavaScript code: `for await` would take it, so this does too.
    return Symbol.asyncIterator in iterable
      ? iterable[Symbol.asyncIterator]()
      : (async function* () {
          yield* iterable;
        })();
  };
  const finish = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!finished) {
      finished = true;
      await source?.return?.();
    }
    return { done: true, value: undefined };
  };
  // Plain results, not an async function: each promise adopted would cost the stream two more turns.
  const take = (
    result: IteratorResult<unknown>,
  ): IteratorResult<EncodedYield, undefined> | Promise<IteratorResult<EncodedYield, undefined>> => {
    if (result.done) {
      finished = true;
      return { done: true, value: undefined };
    }
    if (signal.aborted) return finish();
    try {
      const value = encodeStreamYield(contract, name, result.value, { maxEventBytes });
      return { done: false, value };
    } catch (error) {
      // The refusal is what the caller gets, even when the handler's `finally` throws too.
      const refuse = (): never => {
        throw error;
      };
      return finish().then(refuse, refuse);
    }
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (finished) return Promise.resolve({ done: true, value: undefined });
      try {
        source ??= start();
      } catch (error) {
        finished = true;
        return Promise.reject(error);
      }
      return source.next().then(take, (error: unknown) => {
        finished = true;
        throw error;
      });
    },
    return() {
      return finish();
    },
  };
}
