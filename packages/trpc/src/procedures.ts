// `createTrpcProcedures` and its options and types: an ssekit server's broadcast and RPC streams
// as tRPC subscription procedures, with `authorize` (their own or the server's) run before each.
import {
  type AnyContract,
  SseError,
  SseErrorCode,
  type StreamName,
  toSseError,
} from '@ssekit/core';
import {
  type Access,
  type AuthorizeRequest,
  type AuthorizeResult,
  type Broker,
  type SseServer,
  type StreamHandler,
  type StreamHandlers,
  toAccess,
} from '@ssekit/server';
import {
  type inferProcedureBuilderResolverOptions,
  TRPCError,
  type TRPCProcedureBuilder,
  type TRPCSubscriptionProcedure,
} from '@trpc/server';
import { createDecoder } from './broadcast/decode.js';
import { broadcastInputSchema, createFilter, topicPairs } from './broadcast/input.js';
import { broadcastSubscription } from './broadcast/subscription.js';
import { toTrpcError } from './errors.js';
import { streamInputParser } from './streams/input.js';
import { streamSubscription } from './streams/subscription.js';
import type {
  BroadcastInput,
  BroadcastItem,
  ExpressRequest,
  ParsedStreamInput,
  StreamItem,
  StreamProcedureInput,
  TrackedItem,
} from './types.js';

/** Any tRPC procedure builder: `t.procedure`, or one with middlewares such as an auth check. */
export type AnyProcedureBuilder = TRPCProcedureBuilder<any, any, any, any, any, any, any, any>;

/** The context a resolver of this builder gets, after its middlewares. */
export type ContextOf<TBuilder extends AnyProcedureBuilder> =
  inferProcedureBuilderResolverOptions<TBuilder>['ctx'];

/** Where an error reported through `onError` happened: a union tagged by `type`. */
export type TrpcErrorContext =
  | { readonly type: 'stream'; readonly stream: string }
  | { readonly type: 'authorize' }
  /** An event in the log that the contract cannot decode: it was skipped. */
  | { readonly type: 'decode'; readonly event: string | undefined };

/** Options of `createTrpcProcedures`. */
export type TrpcProceduresOptions<
  TContract extends AnyContract,
  TBuilder extends AnyProcedureBuilder,
> = {
  /** The contract the server was created with. */
  contract: TContract;
  /**
   * The procedure to build on: `t.procedure`, or a protected one. Its middlewares run before every
   * subscription starts; it must not have an input of its own.
   */
  procedure: TBuilder;
  /**
   * Runs before a subscription starts, like the server's `authorize` but with the tRPC context.
   * `false` refuses with `FORBIDDEN`; a function filters broadcast events by name and topic; throw
   * an `SseError` (`UNAUTHORIZED`, `FORBIDDEN`) or a `TRPCError` to refuse with that code. It fails
   * closed as the server's does (a predicate for an RPC stream refuses it).
   *
   * Without it, the procedures inherit the server's `authorize`, called with the express request of
   * `getRequest` (a subscription without one is refused). `null` opens them to anyone.
   * @default the server's `authorize`
   */
  authorize?:
    | ((options: {
        ctx: ContextOf<TBuilder>;
        request: AuthorizeRequest;
      }) => AuthorizeResult | Promise<AuthorizeResult>)
    | null;
  /**
   * The express request an RPC stream handler gets as `req`.
   * @default `ctx.req` when the context has one (`createContext: ({ req }) => ({ req })`), else `undefined`
   */
  getRequest?: (ctx: ContextOf<TBuilder>) => ExpressRequest | undefined;
  /**
   * Live events a broadcast subscription may hold for a slow client, in bytes of JSON, before it
   * ends with `SERVICE_UNAVAILABLE`: tRPC's link then reconnects and replays from the log. `null`
   * turns the bound off.
   * @default 1_048_576
   */
  maxBufferedBytes?: number | null;
  /** Errors that do not belong to a subscriber's answer: handler failures, undecodable log entries. */
  onError?: (error: unknown, context: TrpcErrorContext) => void;
} & ([StreamName<TContract>] extends [never]
  ? { streams?: Record<string, never> }
  : {
      /** The RPC stream handlers: the same object passed to `createSseServer` as `options.streams`. */
      streams: StreamHandlers<TContract>;
    });

/** The broadcast subscription procedure. */
export type BroadcastProcedure<TContract extends AnyContract> = TRPCSubscriptionProcedure<{
  input: BroadcastInput<TContract> | undefined;
  output: AsyncIterable<TrackedItem<BroadcastItem<TContract>>, void, unknown>;
  meta: unknown;
}>;

/** The subscription procedure of one RPC stream. */
export type StreamProcedure<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
> = TRPCSubscriptionProcedure<{
  input: StreamProcedureInput<TContract, TName>;
  output: AsyncIterable<TrackedItem<StreamItem<TContract, TName>>, void, unknown>;
  meta: unknown;
}>;

/**
 * What `createTrpcProcedures` returns: a router record, to mount with `t.router({ sse: … })`. (A
 * type, not an interface: tRPC's router options have an index signature, which only a type meets.)
 */
export type TrpcProcedures<TContract extends AnyContract> = {
  /** Every broadcast event, filtered by the input, resumable: `GET {base}` of the SSE endpoint. */
  readonly events: BroadcastProcedure<TContract>;
  /** One procedure per RPC stream: `GET {base}/streams/:name` of the SSE endpoint. */
  readonly streams: {
    readonly [TName in StreamName<TContract>]: StreamProcedure<TContract, TName>;
  };
};

function defaultGetRequest(ctx: unknown): ExpressRequest | undefined {
  const req = (ctx as { req?: unknown } | null | undefined)?.req;
  return typeof req === 'object' && req !== null ? (req as ExpressRequest) : undefined;
}

/** A signal for resolvers called without one (`createCaller`): it never aborts. */
const NEVER = new AbortController().signal;

/**
 * Serve an ssekit server's contract as tRPC v11 subscriptions: one procedure for the broadcast
 * events, resumable from the same replay log as the SSE endpoint, and one per RPC stream, running
 * the same handlers. Events come from the same `publish()`; a tRPC client and an ssekit client see
 * the same events in the same order.
 *
 * Items are `tracked(id, { event, data })` with the data decoded (`Date` for `isoDate()`; use a
 * transformer such as superjson to keep it a `Date` on the wire). tRPC sends the last id back as
 * `lastEventId` when it reconnects; a resume the log cannot serve yields `ssekit.reset`.
 *
 * @example
 * ```ts
 * const t = initTRPC.context<{ req: express.Request }>().create();
 * const sse = createSseServer(contract, { streams });
 * const appRouter = t.router({
 *   sse: createTrpcProcedures(sse, { contract, procedure: t.procedure, streams }),
 *   placeOrder: t.procedure.input(order).mutation(({ input }) => {
 *     sse.publish('trade', fill(input)); // tRPC and SSE subscribers both get it
 *   }),
 * });
 * app.use('/sse', sse.router);
 * app.use('/trpc', createExpressMiddleware({ router: appRouter, createContext: ({ req }) => ({ req }) }));
 *
 * // client, with httpSubscriptionLink
 * trpc.sse.events.subscribe({ events: ['price'], topics: { price: ['AAPL'] } }, {
 *   onData: ({ data: item }) => {
 *     if (item.event === 'price') chart.push(item.data.at, item.data.price);
 *     if (item.event === 'ssekit.reset') reload();
 *   },
 * });
 * ```
 */
export function createTrpcProcedures<
  TContract extends AnyContract,
  TBuilder extends AnyProcedureBuilder,
>(
  sse: SseServer<TContract, Broker>,
  options: TrpcProceduresOptions<TContract, TBuilder>,
): TrpcProcedures<TContract> {
  const { contract } = options;
  const handlers = (options.streams ?? {}) as Record<string, StreamHandler<AnyContract, string>>;
  for (const name of Object.keys(contract.streams)) {
    if (typeof handlers[name] !== 'function') {
      throw new SseError(
        SseErrorCode.INVALID_CONTRACT,
        `No handler for stream "${name}": pass the server's options.streams`,
      );
    }
  }
  const onError = options.onError ?? (() => {});
  const getRequest = (options.getRequest ?? defaultGetRequest) as (
    ctx: unknown,
  ) => ExpressRequest | undefined;
  const base = options.procedure as AnyProcedureBuilder;

  const own = options.authorize;
  const inherited = sse.authorize;
  const call =
    own === null
      ? undefined
      : own
        ? (ctx: unknown, request: AuthorizeRequest) =>
            own({ ctx: ctx as ContextOf<TBuilder>, request })
        : inherited
          ? (ctx: unknown, request: AuthorizeRequest) => {
              const req = getRequest(ctx);
              if (!req) {
                // Fail closed: the server's rule cannot run without the request it reads.
                throw new SseError(
                  SseErrorCode.FORBIDDEN,
                  'No express request in the tRPC context for the inherited authorize',
                );
              }
              return inherited(req, request);
            }
          : undefined;
  const authorize = async (ctx: unknown, request: AuthorizeRequest): Promise<Access> => {
    if (!call) return { predicate: undefined, principal: undefined };
    let result: unknown;
    try {
      result = await call(ctx, request);
      return toAccess(result, request, (error) => onError(error, { type: 'authorize' }));
    } catch (error) {
      // A deliberate refusal is an answer, not an error to report.
      if (!(error instanceof SseError) && !(error instanceof TRPCError)) {
        onError(error, { type: 'authorize' });
      }
      throw toTrpcError(error);
    }
  };

  const broadcast = {
    contract,
    broker: sse.broker,
    decode: createDecoder(contract),
    maxBufferedBytes:
      options.maxBufferedBytes === undefined ? 1024 * 1024 : options.maxBufferedBytes,
    onError: (error: unknown) => onError(error, { type: 'decode', event: toSseError(error).event }),
  };
  const events = base.input(broadcastInputSchema(contract)).subscription(async function* ({
    input,
    ctx,
    signal,
  }) {
    const parsed = input as BroadcastInput<TContract> | undefined;
    const { predicate } = await authorize(ctx, {
      type: 'events',
      events: parsed?.events ?? Object.keys(contract.events),
      topics: topicPairs(parsed),
    });
    yield* broadcastSubscription(broadcast, {
      filter: createFilter(parsed),
      predicate,
      lastEventId: parsed?.lastEventId || undefined,
      signal: signal ?? NEVER,
    });
  });

  const streams: Record<string, unknown> = {};
  for (const name of Object.keys(contract.streams)) {
    streams[name] = base.input(streamInputParser(contract, name)).subscription(async function* ({
      input,
      ctx,
      signal,
    }) {
      const parsed = input as ParsedStreamInput<AnyContract, string>;
      const { principal } = await authorize(ctx, {
        type: 'stream',
        stream: name,
        input: parsed.input,
      });
      yield* streamSubscription({
        principal,
        contract,
        name,
        handler: handlers[name]!,
        input: parsed.input,
        lastEventId: parsed.lastEventId,
        req: getRequest(ctx),
        signal: signal ?? NEVER,
        onError: (error) => onError(error, { type: 'stream', stream: name }),
      });
    });
  }

  return { events, streams } as unknown as TrpcProcedures<TContract>;
}
