// The server every adapter test serves, on every runtime (Node, Bun, Deno): one contract with a
// `Date`, one RPC stream with input, an `authorize` that reads a header through the adapter's own
// request, and the control routes a child process needs so that the test can publish.
import { defineContract, isoDate, SseError } from '@ssekit/core';
import { z } from 'zod';
import type { AuthorizeResult, SseServerOptions } from '../../src/index.js';

export const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    note: z.object({ text: z.string() }),
  },
  streams: {
    count: {
      input: z.object({ to: z.int().min(1).max(100) }),
      events: { n: z.object({ n: z.int(), at: isoDate() }) },
    },
  },
});
export type Contract = typeof contract;

/** The base path of the endpoints on every target. */
export const BASE_PATH = '/sse';
/** Per-address bound, low enough that a test can reach it. */
export const MAX_PER_ADDRESS = 12;

/**
 * The options of every target. `header` reads a request header from the adapter's request (express's
 * `req.headers`, or the Fetch `request.headers.get`): `authorize` gets that request as it is.
 */
export function fixtureOptions<TRequest>(
  header: (req: TRequest, name: string) => string | null | undefined,
): SseServerOptions<Contract, TRequest> {
  return {
    heartbeatMs: null,
    maxConnectionsPerIp: MAX_PER_ADDRESS,
    authorize: (req: TRequest): AuthorizeResult => {
      if (header(req, 'x-deny')) throw new SseError('UNAUTHORIZED', 'A bearer token is required');
      return true;
    },
    streams: {
      count: async function* ({ input }) {
        for (let n = 1; n <= input.to; n++) {
          yield { event: 'n', data: { n, at: new Date(Date.UTC(2026, 0, n)) } };
        }
      },
    },
    fetch: { basePath: BASE_PATH },
  };
}

/** A publish as a child process receives it over the control route: data in its encoded form. */
export interface PublishCommand {
  readonly name: 'price' | 'note';
  readonly data: unknown;
  readonly topic?: string;
}

/** Decode a control command's data with the event's schema (an ISO string becomes a `Date`). */
export function decodeCommand(command: PublishCommand): {
  name: 'price' | 'note';
  data: never;
  topic: string | undefined;
} {
  const schema = contract.events[command.name];
  return {
    name: command.name,
    data: z.decode(schema as z.ZodType, command.data) as never,
    topic: command.topic,
  };
}
