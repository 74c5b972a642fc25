import {
  type AnyContract,
  type EventData,
  type EventName,
  encodeBroadcast,
  SseError,
  SseErrorCode,
  toSseError,
} from '@ssekit/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { MemoryBroker } from './broker/memory.js';
import type { Broker } from './broker/types.js';
import { handleEvents, type RouteContext, refuse } from './http/events-route.js';
import { ConnectionLimits } from './http/limits.js';
import { openApiRoute } from './http/openapi-route.js';
import { handleStream } from './http/stream-route.js';
import { resolveBufferBounds } from './hub/bounds.js';
import { Hub } from './hub/hub.js';
import { createStats, type SseServerStats } from './hub/stats.js';
import type { SseServerBaseOptions, SseServerOptions, StreamHandlers } from './types.js';

/** Options of `publish`. */
export interface PublishOptions {
  /** Narrows the event: only connections without a topic filter on it, or with this topic, get it. */
  topic?: string;
}

/** Options of `close`. */
export interface CloseOptions {
  /** How long ended streams may take to flush before their sockets are destroyed. @default 1_000 */
  graceMs?: number;
}

/** What `createSseServer` returns. */
export interface SseServer<TContract extends AnyContract, TBroker extends Broker = MemoryBroker> {
  /** The express router: mount it where the SSE endpoints live, `app.use('/sse', sse.router)`. */
  readonly router: Router;
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
  readonly authorize: SseServerBaseOptions['authorize'];
  /** End every stream (clients reconnect, elsewhere if a load balancer sends them there) and refuse new ones. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Turn a contract into validated SSE endpoints on an express router.
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
>(
  contract: TContract,
  options: SseServerOptions<TContract> & { broker?: TBroker },
): SseServer<TContract, TBroker> {
  const handlers = (options.streams ?? {}) as StreamHandlers<AnyContract>;
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
  const streams = new Map<AbortController, { res: Response; principal: unknown }>();
  let closing = false;

  const ctx: RouteContext = {
    contract,
    options,
    hub,
    limits,
    stats,
    retryMs: options.retryMs ?? 2_000,
    maxBufferedBytes,
    maxEventBytes,
    trackStream(controller, res, principal) {
      streams.set(controller, { res, principal });
      return () => streams.delete(controller);
    },
    isClosing: () => closing,
  };
  const maxInputBytes = options.maxInputBytes ?? 64 * 1024;

  const router = express.Router();
  const forward = (promise: Promise<void>, next: NextFunction) => promise.catch(next);
  router.get('/', (req, res, next) => forward(handleEvents(ctx, req, res), next));
  router.get('/events/:name', (req, res, next) =>
    forward(handleEvents(ctx, req, res, req.params.name), next),
  );
  router.get('/streams/:name', (req, res, next) =>
    forward(handleStream(ctx, handlers, req, res, req.params.name, maxInputBytes), next),
  );
  router.post(
    '/streams/:name',
    express.json({ limit: maxInputBytes, strict: false }),
    (req, res, next) =>
      forward(handleStream(ctx, handlers, req, res, req.params.name, maxInputBytes), next),
  );
  router.get('/openapi.json', openApiRoute(ctx));
  // Errors from the JSON body parser, express's own (a path with a malformed escape), and anything
  // unexpected: a JSON body with a stable code.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: unknown } | null)?.type;
    const status = (error as { status?: unknown } | null)?.status;
    if (type === 'entity.too.large') {
      refuse(ctx, res, new SseError(SseErrorCode.PAYLOAD_TOO_LARGE, 'Stream input is too large'));
    } else if (
      type === 'entity.parse.failed' ||
      type === 'encoding.unsupported' ||
      type === 'charset.unsupported'
    ) {
      refuse(ctx, res, new SseError(SseErrorCode.INVALID_INPUT, 'Stream input is not valid JSON'));
    } else if (error instanceof URIError || status === 400) {
      // express could not decode a path parameter (`/events/%E0%A4%A`): the request is malformed.
      refuse(ctx, res, new SseError(SseErrorCode.BAD_REQUEST, 'The request path is malformed'));
    } else {
      const sse = toSseError(error);
      if (res.headersSent) {
        options.onError?.(error, { type: 'broker' });
        res.destroy();
      } else refuse(ctx, res, sse);
    }
  });

  return {
    router,
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
        conn.res.end();
        ended += 1;
      }
      for (const [controller, { res, principal }] of [...streams]) {
        if (!match(principal)) continue;
        controller.abort();
        res.end();
        ended += 1;
      }
      return ended;
    },
    async close(closeOptions = {}) {
      if (closing) return;
      closing = true;
      hub.close();
      const responses: Response[] = [];
      for (const conn of hub.connections()) responses.push(conn.res as Response);
      for (const [controller, { res }] of streams) {
        controller.abort();
        responses.push(res);
      }
      const ended = responses.map(
        (res) =>
          new Promise<void>((resolve) => {
            if (res.destroyed) return resolve();
            res.once('close', () => resolve());
            res.end();
          }),
      );
      const graceMs = closeOptions.graceMs ?? 1_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(ended),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const res of responses) if (!res.destroyed) res.destroy();
      if (ownBroker) await broker.close();
    },
  };
}
