// `createSseServer`: one hub, one set of limits and routes for a contract, served through two thin
// adapters over the same core: `sse.router` (express, node:http, node:http2) and `sse.fetch` (the
// Fetch API: Hono, Next.js route handlers, Bun, Deno).
import { setTimeout } from 'node:timers';
import {
  type AnyContract,
  type EventData,
  type EventName,
  encodeBroadcast,
  SseError,
  SseErrorCode,
} from '@ssekit/core';
import { createNodeHandler, type NodeHandler } from './adapters/express.js';
import { createFetchHandler, type FetchHandler } from './adapters/fetch.js';
import { MemoryBroker } from './broker/memory.js';
import type { Broker } from './broker/types.js';
import type { RouteContext } from './http/context.js';
import { ConnectionLimits } from './http/limits.js';
import { resolveBufferBounds } from './hub/bounds.js';
import { Hub } from './hub/hub.js';
import type { SseSink } from './hub/sink.js';
import { createStats, type SseServerStats } from './hub/stats.js';
import type {
  RouterRequest,
  SseServerBaseOptions,
  SseServerOptions,
  StreamHandlers,
} from './types.js';

/** Options of `publish`. */
export interface PublishOptions {
  /** Narrows the event: only connections without a topic filter on it, or with this topic, get it. */
  topic?: string;
}

/** Options of `close`. */
export interface CloseOptions {
  /** How long ended streams may take to flush before they are cut. @default 1_000 */
  graceMs?: number;
}

/**
 * What `createSseServer` returns. `TRequest` is the request `authorize` and stream handlers receive
 * (see `SseServerBaseOptions`).
 */
export interface SseServer<
  TContract extends AnyContract,
  TBroker extends Broker = MemoryBroker,
  TRequest = RouterRequest,
> {
  /**
   * The express adapter: mount it where the SSE endpoints live, `app.use('/sse', sse.router)`. A
   * middleware `(req, res, next)` that needs nothing of express: plain `node:http` and `node:http2`
   * servers can call it too (without `next`, a request that is not a route of ours gets 404).
   */
  readonly router: NodeHandler;
  /**
   * The Fetch API adapter: `Request` in, `Response` out, for Hono, Next.js route handlers, Bun and
   * Deno. The same hub, limits, `authorize`, replay and errors as `router`; its routes live under
   * `fetch.basePath`. Pass the runtime's second argument on, for the client's address.
   * @example
   * ```ts
   * Bun.serve({ fetch: sse.fetch });                    // Bun
   * Deno.serve(sse.fetch);                               // Deno
   * app.all('/sse/*', (c) => sse.fetch(c.req.raw, c.env)); // Hono
   * export const GET = sse.fetch;                        // Next.js app/sse/[[...path]]/route.ts
   * ```
   */
  readonly fetch: FetchHandler;
  /** The broker the server writes to and reads from. */
  readonly broker: TBroker;
  /**
   * Validate, encode once and publish an event. Returns its id (a promise of it on an asynchronous
   * broker such as Redis).
   * @throws SseValidationError when `data` does not match the event's schema; SseError
   * `UNKNOWN_EVENT`, `INVALID_FIELD` (a bad topic), `EVENT_TOO_LARGE` (past `maxEventBytes`),
   * `SERVER_CLOSING`. In every case nothing is sent or logged.
   */
  publish<TName extends EventName<TContract>>(
    name: TName,
    data: EventData<TContract, TName>,
    options?: PublishOptions,
  ): ReturnType<TBroker['append']>;
  /** Counters: connections, streams, published, bytes written, slow closes, resets. */
  stats(): SseServerStats;
  /**
   * End the open streams, broadcast and RPC, whose `authorize` grant no longer holds: `match` gets
   * each one's principal (from an `AuthorizeGrant`; `undefined` otherwise) and returns true to end
   * it. Broadcast clients reconnect, and `authorize` decides again. Returns how many were ended.
   * @example
   * ```ts
   * sse.disconnect((principal) => (principal as User | undefined)?.id === revokedUserId);
   * ```
   */
  disconnect(match: (principal: unknown) => boolean): number;
  /** The `authorize` of this server, for other front ends of the same contract (`@ssekit/trpc`). */
  readonly authorize: SseServerBaseOptions<TRequest>['authorize'];
  /** End every stream (clients reconnect, elsewhere if a load balancer sends them there) and refuse new ones. */
  close(options?: CloseOptions): Promise<void>;
}

/** Every stream of the contract has a handler, and every handler a stream: else `INVALID_CONTRACT`. */
function checkedHandlers(
  contract: AnyContract,
  streams: object | undefined,
): StreamHandlers<AnyContract, unknown> {
  const handlers = (streams ?? {}) as StreamHandlers<AnyContract, unknown>;
  for (const name of Object.keys(contract.streams)) {
    if (typeof handlers[name] !== 'function') {
      throw new SseError(
        SseErrorCode.INVALID_CONTRACT,
        `No handler for stream "${name}": pass it in options.streams`,
      );
    }
  }
  for (const name of Object.keys(handlers)) {
    if (!Object.hasOwn(contract.streams, name)) {
      throw new SseError(
        SseErrorCode.INVALID_CONTRACT,
        `options.streams.${name} is not a stream of the contract`,
      );
    }
  }
  return handlers;
}

/** End every stream: each ends cleanly if it can within `graceMs`, and is cut after that. */
async function endWithin(sinks: readonly SseSink[], graceMs: number): Promise<void> {
  const ended = sinks.map(
    (sink) =>
      new Promise<void>((resolve) => {
        sink.onClose(resolve);
        sink.end();
      }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(ended),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  for (const sink of sinks) if (!sink.closed) sink.destroy();
}

/**
 * Turn a contract into validated SSE endpoints, served by an express router (`sse.router`) and a
 * Fetch API handler (`sse.fetch`) over one hub.
 *
 * @example
 * ```ts
 * const sse = createSseServer(contract, {
 *   streams: { buildLog: async function* ({ input, signal }) { yield { event: 'line', data: { text: 'ok' } }; } },
 * });
 * app.use('/sse', sse.router);
 * sse.publish('price', { symbol: 'AAPL', price: 191.2, at: new Date() }, { topic: 'AAPL' });
 * ```
 */
export function createSseServer<
  TContract extends AnyContract,
  TBroker extends Broker = MemoryBroker,
  TRequest = RouterRequest,
>(
  contract: TContract,
  options: SseServerOptions<TContract, TRequest> & { broker?: TBroker },
): SseServer<TContract, TBroker, TRequest> {
  const handlers = checkedHandlers(contract, options.streams);

  const ownBroker = options.broker === undefined;
  const broker = (options.broker ?? new MemoryBroker()) as TBroker;
  const stats = createStats();
  const { maxBufferedBytes, maxTotalBufferedBytes, maxEventBytes } = resolveBufferBounds(options);
  const hub = new Hub({
    broker,
    stats,
    maxBufferedBytes,
    maxTotalBufferedBytes,
    heartbeatMs: options.heartbeatMs === undefined ? 15_000 : options.heartbeatMs,
    onError: (error, context) => options.onError?.(error, context),
  });
  const limits = new ConnectionLimits({
    maxConnections: options.maxConnections ?? 10_000,
    maxConnectionsPerIp:
      options.maxConnectionsPerIp === undefined ? 256 : options.maxConnectionsPerIp,
    retryAfterSeconds: Math.max(1, Math.ceil((options.retryMs ?? 2_000) / 1000)),
  });
  const streams = new Map<AbortController, { sink: SseSink; principal: unknown }>();
  let closing = false;

  const ctx: RouteContext = {
    contract,
    options,
    handlers,
    hub,
    limits,
    stats,
    retryMs: options.retryMs ?? 2_000,
    maxBufferedBytes,
    maxEventBytes,
    maxInputBytes: options.maxInputBytes ?? 64 * 1024,
    documents: new Map(),
    trackStream(controller, sink, principal) {
      streams.set(controller, { sink, principal });
      return () => streams.delete(controller);
    },
    isClosing: () => closing,
  };

  return {
    router: createNodeHandler(ctx),
    fetch: createFetchHandler(ctx, options.fetch ?? {}),
    broker,
    publish(name, data, publishOptions) {
      const entry = encodeBroadcast(contract, name, data, {
        topic: publishOptions?.topic,
        maxEventBytes,
      });
      if (closing) throw new SseError(SseErrorCode.SERVER_CLOSING, 'The server is closed');
      const id = broker.append(entry);
      stats.published += 1;
      return id as ReturnType<TBroker['append']>;
    },
    stats: () => ({ ...stats }),
    authorize: options.authorize,
    disconnect(match) {
      let ended = 0;
      for (const conn of [...hub.connections()]) {
        if (!match(conn.principal)) continue;
        hub.remove(conn);
        conn.sink.end();
        ended += 1;
      }
      for (const [controller, { sink, principal }] of [...streams]) {
        if (!match(principal)) continue;
        controller.abort();
        sink.end();
        ended += 1;
      }
      return ended;
    },
    async close(closeOptions = {}) {
      if (closing) return;
      closing = true;
      hub.close();
      const sinks: SseSink[] = [];
      for (const conn of hub.connections()) sinks.push(conn.sink);
      for (const [controller, { sink }] of streams) {
        controller.abort();
        sinks.push(sink);
      }
      await endWithin(sinks, closeOptions.graceMs ?? 1_000);
      if (ownBroker) await broker.close();
    },
  };
}
