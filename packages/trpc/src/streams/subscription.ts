// The generator behind an RPC stream procedure: the server's handler for the stream, each yield
// checked by the SSE endpoint's `encodedYields`, decoded and `tracked` with the handler's ids.
import { type AnyContract, decodeData, type StreamEvent } from '@ssekit/core';
import { type EncodedYieldsOptions, encodedYields, type StreamHandler } from '@ssekit/server';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { toTrpcError } from '../errors.js';
import type { ExpressRequest } from '../types.js';
import { NO_EVENT_ID } from './input.js';

type Item = TrackedEnvelope<StreamEvent<AnyContract, string>>;

/**
 * Run one RPC stream handler for tRPC: the same handler the SSE endpoint runs, with the same checks
 * on each yield (a known event, data that matches its schema), each item `tracked` so that tRPC
 * resumes with the handler's own ids.
 *
 * An item without an id carries the previous one, as an SSE client keeps its last event id across
 * events; before the handler's first id, that is `NO_EVENT_ID`, which reads back as no id.
 */
export async function* streamSubscription(
  options: Omit<EncodedYieldsOptions<ExpressRequest | undefined>, 'handler' | 'maxEventBytes'> & {
    handler: StreamHandler<AnyContract, string>;
    onError: (error: unknown) => void;
  },
): AsyncGenerator<Item, void> {
  const { name, signal } = options;
  const schemas = options.contract.streams[name]!.events;
  let lastId = options.lastEventId ?? NO_EVENT_ID;
  try {
    // The same call, checks and encoding as the SSE endpoint. `req` is typed as express's Request
    // on the server; on tRPC it is the express request when the context carries one, and undefined
    // otherwise (see `getRequest`).
    const yields = encodedYields({ ...options, req: options.req as ExpressRequest });
    for await (const encoded of yields) {
      // Decoding it again gives the client what an ssekit client would get (unknown keys
      // stripped), not the handler's object as it is.
      const where = `${name}.${encoded.event}`;
      const decoded = decodeData(schemas[encoded.event], encoded.data, where);
      if (decoded.status === 'error') throw decoded.error;
      if (encoded.id !== undefined) lastId = encoded.id;
      yield tracked(lastId, { event: encoded.event, data: decoded.value });
    }
  } catch (error) {
    if (signal.aborted) return;
    options.onError(error);
    throw toTrpcError(error);
  }
}
