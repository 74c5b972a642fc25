// The public option and handler types of `createSseServer`: `authorize` and what it returns, RPC
// stream handlers and what they receive and yield, `onError`'s contexts, the Fetch handler's options.
import type {
  AnyContract,
  EventSchemas,
  StreamEventData,
  StreamEventName,
  StreamInput,
  StreamName,
} from '@ssekit/core';
import type { Request as ExpressRequest } from 'express';
import type { z } from 'zod';
import type { Broker } from './broker/types.js';
import type { EventPredicate } from './hub/connection.js';

/**
 * The request that `sse.router` hands to `authorize` and to stream handlers: express's `Request`
 * (under plain `node:http` or `node:http2`, the request with the same fields). Its own name, so that
 * types and errors print `RouterRequest`, not `Request<ParamsDictionary, any, any, ParsedQs, …>`.
 */
export interface RouterRequest extends ExpressRequest {}

/** What `authorize` is asked about: a union tagged by `type`. */
export type AuthorizeRequest =
  | {
      readonly type: 'events';
      /** The requested events (every event of the contract when the URL names none). */
      readonly events: readonly string[];
      /** The requested `[event, topic]` narrowings. */
      readonly topics: readonly (readonly [string, string])[];
    }
  | {
      readonly type: 'stream';
      readonly stream: string;
      /**
       * The input decoded with the stream's schema, or `undefined` when the stream name is unknown or
       * the input fails its schema: authorize runs first, so that an anonymous caller learns nothing
       * about names or schemas; those errors are answered only once it allows.
       */
      readonly input: unknown;
    }
  /** `GET {base}/openapi.json`, when `openapi` is `'authorized'` (the default). */
  | { readonly type: 'openapi' };

/**
 * What `authorize` may return besides a boolean: a principal (given to RPC stream handlers and to
 * `sse.disconnect`) and, for broadcast requests only, a predicate over each event.
 */
export interface AuthorizeGrant {
  /** Who was let in: any value of yours, handed to stream handlers and to `sse.disconnect(match)`. */
  readonly principal?: unknown;
  /** Broadcast requests only: every event passes through it for this connection. */
  readonly predicate?: EventPredicate;
}

/**
 * `true` or nothing: allowed. `false`: refused with 403. A function (broadcast requests only): allowed,
 * and every broadcast event passes through it (by name and topic) before it reaches this connection.
 * An `AuthorizeGrant`: allowed, with a principal and optionally a predicate. Throw an `SseError` with
 * code `UNAUTHORIZED` for a 401.
 *
 * It fails closed: a result that makes no sense for the request (a predicate for an RPC stream or the
 * OpenAPI document, a string, a number) refuses it with 403 and reports why through `onError`.
 */
export type AuthorizeResult =
  | boolean
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: an authorize function that returns nothing allows; `void` lets it type-check.
  | void
  | EventPredicate
  | AuthorizeGrant;

/** One event an RPC stream handler yields. `id` makes resume possible: the handler gets it back as `lastEventId`. */
export type StreamYield<TContract extends AnyContract, TName extends StreamName<TContract>> = {
  [TEvent in StreamEventName<TContract, TName>]: {
    event: TEvent;
    data: StreamEventData<TContract, TName, TEvent>;
    id?: string;
  };
}[StreamEventName<TContract, TName>];

/**
 * What an RPC stream handler receives, for a stream whose decoded input is `TInput`. `TRequest` is
 * the request of the adapter the stream came through: express's `Request` on `sse.router` (the
 * default), the Fetch `Request` on `sse.fetch`.
 */
export interface StreamHandlerContext<TInput, TRequest = RouterRequest> {
  /** The input, parsed and decoded with the stream's schema. */
  input: TInput;
  /** The id of the last event the client received, when it resumes. */
  lastEventId: string | undefined;
  /** Aborts when the client goes away, the server closes, or `sse.disconnect` matched it. */
  signal: AbortSignal;
  /** The request, as its adapter has it: express's `req`, or the Fetch `Request`. */
  req: TRequest;
  /** The `principal` of the grant `authorize` returned, if any: check inputs against it. */
  principal: unknown;
}

/** What the handler of the stream `TName` receives. */
export type StreamContext<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
  TRequest = RouterRequest,
> = StreamHandlerContext<StreamInput<TContract, TName>, TRequest>;

/**
 * An RPC stream handler: an async generator of events. Return ends with `ssekit.end`, a throw with
 * `ssekit.error`.
 *
 * Spelled out inside a conditional type rather than through `StreamContext` and `StreamYield`: a
 * resolved conditional type carries no alias, so a wrong yield's error shows on its first line the
 * events and fields the handler may yield (`data: { text: string }`), not
 * `StreamHandler<Contract<{ … ZodObject … }>, "buildLog">`. Both spellings are the same type.
 */
export type StreamHandler<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
  TRequest = RouterRequest,
> = [StreamInput<TContract, TName>, TContract['streams'][TName]['events']] extends [
  infer TInput,
  infer TEvents extends EventSchemas,
]
  ? (context: StreamHandlerContext<TInput, TRequest>) => AsyncIterable<
      {
        [TEvent in keyof TEvents & string]: {
          event: TEvent;
          data: z.output<TEvents[TEvent]>;
          id?: string;
        };
      }[keyof TEvents & string]
    >
  : never;

/** One handler per stream of the contract. */
export type StreamHandlers<TContract extends AnyContract, TRequest = RouterRequest> = {
  [TName in StreamName<TContract>]: StreamHandler<TContract, TName, TRequest>;
};

/** Where an error reported through `onError` happened. */
export type ErrorContext =
  | { readonly type: 'stream'; readonly stream: string }
  | { readonly type: 'authorize' }
  /** An `authorize` predicate threw for this event: its connection was closed, no other. */
  | { readonly type: 'predicate'; readonly event: string }
  | { readonly type: 'broker' };

/**
 * Options of `createSseServer`. `TRequest` is the request `authorize` and stream handlers receive:
 * express's `Request` (the default) for `sse.router`; annotate `authorize`'s first parameter as the
 * Fetch `Request` for `sse.fetch` (Hono, Next.js, Bun, Deno), or as the union of both when one
 * server serves through both adapters.
 */
export interface SseServerBaseOptions<TRequest = RouterRequest> {
  /**
   * Where events are logged and read back. The default keeps a replay log in memory; pass
   * `redisBroker(…)` from `@ssekit/redis` to share one log between processes.
   * @default memoryBroker({ maxEvents: 10_000, maxAgeMs: 300_000 })
   */
  broker?: Broker;
  /**
   * Runs before any byte is written. See `AuthorizeResult`. `req` is the request of the adapter the
   * request came through: express's `req` on `sse.router`, the Fetch `Request` on `sse.fetch`.
   * @example
   * ```ts
   * authorize: (req) => {
   *   const user = verify(req.headers.authorization);
   *   if (!user) throw new SseError('UNAUTHORIZED', 'Sign in first');
   *   return (event, topic) => event !== 'trade' || user.desks.includes(topic ?? '');
   * }
   * // on sse.fetch: (request: Request) => verify(request.headers.get('authorization')) …
   * ```
   */
  authorize?: (
    req: TRequest,
    request: AuthorizeRequest,
  ) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Open streams (broadcast and RPC) above which connects get 503 with `Retry-After`. @default 10_000 */
  maxConnections?: number;
  /**
   * Open streams per client address (on express `req.ip`, so set express's `trust proxy` behind a
   * proxy; on `sse.fetch` see `fetch.clientAddress`). One
   * browser holds at most six per origin over HTTP/1.1; 256 leaves room for a busy office behind one
   * NAT while one address cannot take the whole server. `null` turns the bound off. @default 256
   */
  maxConnectionsPerIp?: number | null;
  /**
   * Who may read `GET {base}/openapi.json`: `'authorized'` runs `authorize` with `{ type: 'openapi' }`
   * (anyone, when there is no `authorize`), `'public'` serves it to anyone, `false` not at all.
   * @default 'authorized'
   */
  openapi?: 'authorized' | 'public' | false;
  /**
   * Unsent bytes of one live connection after which it is closed (its client reconnects and replays
   * from the log). A replay in progress is paced by the socket instead and never closed for it.
   * @default 1_048_576
   */
  maxBufferedBytes?: number;
  /**
   * Unsent bytes of all connections together. Past it, the connections furthest behind are closed
   * first (they resume from the log), so many slow readers cannot exhaust memory even when each stays
   * under `maxBufferedBytes`. Unsent strings live in the V8 heap: a quarter of it leaves the rest to
   * the app. @default a quarter of V8's heap limit, at most 512 MiB
   */
  maxTotalBufferedBytes?: number;
  /**
   * The largest event, in UTF-8 bytes of its encoded data plus its name and topic (and id, for RPC
   * yields). `publish` refuses a larger one with `EVENT_TOO_LARGE` before it reaches the log; an RPC
   * yield ends its stream with that code. At most half of `maxBufferedBytes`, so that every accepted
   * event can reach a reader. @default 262_144, or a quarter of `maxBufferedBytes` if that is smaller
   */
  maxEventBytes?: number;
  /** Silence after which a heartbeat comment is sent. `null` turns heartbeats off. @default 15_000 */
  heartbeatMs?: number | null;
  /** The `retry:` sent at connect: how long clients wait before reconnecting. @default 2_000 */
  retryMs?: number;
  /** Largest RPC stream input, as JSON, in the URL or a POST body. @default 65_536 */
  maxInputBytes?: number;
  /** Errors that do not belong to a request's answer: handler failures, broker failures. */
  onError?: (error: unknown, context: ErrorContext) => void;
  /** Options of the Fetch API handler, `sse.fetch`. */
  fetch?: FetchHandlerOptions;
}

/** Options of `sse.fetch`, the Fetch API handler (Hono, Next.js route handlers, Bun, Deno). */
export interface FetchHandlerOptions {
  /**
   * The path the endpoints live under, as the request URL shows it: with `'/sse'`, the routes are
   * `/sse`, `/sse/events/:name`, `/sse/streams/:name` and `/sse/openapi.json`. Requests outside it
   * get 404. @default '' (the endpoints at the root)
   */
  basePath?: string;
  /**
   * The client's address, for `maxConnectionsPerIp`: a Fetch `Request` carries no socket. Gets the
   * request and the second argument the runtime passed to the handler (`sse.fetch(request, info)`).
   * Without it (or when it returns `undefined`), the address is read from that argument where the
   * runtime puts one: Deno's `info.remoteAddr.hostname`, Bun's `server.requestIP(request)`,
   * `@hono/node-server`'s `env.incoming.socket.remoteAddress`. When none is found, every such
   * request counts under one address, `'unknown'`, so the per-address bound then caps them together:
   * behind a proxy, return the address it forwards (`x-forwarded-for`), or set
   * `maxConnectionsPerIp: null`.
   */
  clientAddress?: (request: Request, info: unknown) => string | undefined;
}

/** `streams` is required exactly when the contract has streams. */
export type SseServerOptions<
  TContract extends AnyContract,
  TRequest = RouterRequest,
> = SseServerBaseOptions<TRequest> &
  ([StreamName<TContract>] extends [never]
    ? { streams?: Record<string, never> }
    : { streams: StreamHandlers<TContract, TRequest> });
