import {
  type AnyContract,
  decodeData,
  encodeData,
  SseError,
  SseErrorCode,
  type StreamEvent,
} from '@ssekit/core';
import type { StreamHandler } from '@ssekit/server';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { toTrpcError } from '../errors.js';
import type { ExpressRequest } from '../types.js';
import { NO_EVENT_ID } from './input.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

type Item = TrackedEnvelope<StreamEvent<AnyContract, string>>;

/**
 * Run one RPC stream handler for tRPC: the same handler the SSE endpoint runs, with the same checks
 * on each yield (a known event, data that matches its schema), each item `tracked` so that tRPC
 * resumes with the handler's own ids.
 *
 * An item without an id carries the previous one, as an SSE client keeps its last event id across
 * events; before the handler's first id, that is `NO_EVENT_ID`, which reads back as no id.
 */
export async function* streamSubscription(options: {
  contract: AnyContract;
  name: string;
  handler: StreamHandler<AnyContract, string>;
  input: unknown;
  lastEventId: string | undefined;
  req: ExpressRequest | undefined;
  signal: AbortSignal;
  onError: (error: unknown) => void;
}): AsyncGenerator<Item, void> {
  const { name, signal } = options;
  const schemas = options.contract.streams[name]!.events;
  let lastId = options.lastEventId ?? NO_EVENT_ID;
  try {
    const iterable = options.handler({
      input: options.input as never,
      lastEventId: options.lastEventId,
      signal,
      // Typed as express's Request on the server; on tRPC it is the express request when the
      // context carries one, and undefined otherwise (see `getRequest`).
      req: options.req as ExpressRequest,
    });
    for await (const item of iterable) {
      if (signal.aborted) return;
      if (
        !isObject(item) ||
        typeof item.event !== 'string' ||
        !Object.hasOwn(schemas, item.event)
      ) {
        throw new SseError(
          SseErrorCode.VALIDATION_FAILED,
          `Stream "${name}" yielded an unknown event`,
          { event: name },
        );
      }
      const where = `${name}.${item.event}`;
      // Encode, then decode: the same check as the SSE endpoint, and the client gets what an ssekit
      // client would (unknown keys stripped), not the handler's object as it is.
      const json = encodeData(schemas[item.event]!, item.data, where);
      const decoded = decodeData(schemas[item.event], json, where);
      if (decoded.status === 'error') throw decoded.error;
      if (typeof item.id === 'string' && item.id !== '') lastId = item.id;
      yield tracked(lastId, { event: item.event, data: decoded.value });
    }
  } catch (error) {
    if (signal.aborted) return;
    options.onError(error);
    throw toTrpcError(error);
  }
}
