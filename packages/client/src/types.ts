// The client's public types: its options, status and reset info, subscription and stream options,
// and the `SseClient` and `StreamHandle` interfaces that `createClient` returns, typed by contract.
import type {
  AnyClientContract,
  EventData,
  EventName,
  SseError,
  StreamEvent,
  StreamEventData,
  StreamEventName,
  StreamInput,
} from '@ssekit/core';
import type { FetchEventSourceInit } from './transport/options.js';
import type { EventSourceConstructorLike, EventSourceLike, FetchLike } from './transport/types.js';

/** Where a client's connection stands: a string union, reported through `onStatus`. */
export type ClientStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What `onReset` receives: the server could not resume from the client's last id. */
export interface ResetInfo {
  /** `too-old` (the log no longer holds it), `unknown-epoch` (the server restarted), or `malformed`. */
  readonly reason: string;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** The base URL where the server's router is mounted, e.g. `/sse` or `https://api.example.com/sse`. */
  url: string;
  /**
   * The `EventSource` class to use (the `eventsource` npm package in Node, for instance). By default
   * the platform's `EventSource`, or `FetchEventSource` when headers or fetch options are given, or
   * when the platform has none.
   */
  EventSource?: EventSourceConstructorLike;
  /**
   * Request headers, or a function called at every connect (so a refreshed token is used). Selects
   * `FetchEventSource`, since a browser's `EventSource` cannot send headers.
   */
  headers?: FetchEventSourceInit['headers'];
  /** A custom `fetch`. Selects `FetchEventSource`. */
  fetch?: FetchLike;
  /** Send cookies cross-origin. @default false */
  withCredentials?: boolean;
  /** Decode and check every payload against its schema; a mismatch goes to `onError`. @default true */
  validate?: boolean;
  /** Resume position for the first connect: events after this id are replayed. */
  lastEventId?: string;
  /**
   * Delivery errors, each with a stable `code`. The connection stays up where it can:
   * - every failed connection attempt while it retries: an `SseConnectionError` (`NETWORK_ERROR`,
   *   or a 5xx/408/429 answer's code) with its `attempt` count; status `reconnecting`;
   * - a refused answer (another 4xx: a wrong URL's 404, a 401): `HTTP_ERROR` or the server's code,
   *   and status `closed`, in Node and in the browser alike;
   * - `UNKNOWN_EVENT` naming an event the server does not know (a client built from a newer
   *   contract): that event's subscriptions are dropped, the others go on;
   * - invalid payloads (`VALIDATION_FAILED`), subscribers that threw (`INTERNAL`).
   */
  onError?: (error: SseError) => void;
  /** Status changes of the broadcast connection. */
  onStatus?: (status: ClientStatus) => void;
  /**
   * The server could not resume: the app should resynchronise its state. Called at once, before the
   * events that follow the reset; the resets of one burst (no event delivered between them, e.g.
   * 5 000 `ssekit.reset` in a row) are merged into this one call, with the first one's reason.
   */
  onReset?: (info: ResetInfo) => void;
  /**
   * Backoff when the transport gives up (a 5xx, a 503 over the connection limit, a proxy error):
   * the client opens a new connection after the transport's backoff delay (doubling, with jitter)
   * capped at this. @default 30_000
   */
  maxRetryMs?: number;
  /**
   * Share one SSE connection between the tabs (and clients) of an origin that use the same `url`:
   * pass the `shareAcrossTabs` function exported by `@ssekit/client` (an import, not a flag, so
   * that an app that does not share ships none of its code). Where Web Locks or `BroadcastChannel`
   * is missing (Node), the client opens its own connection.
   * @default undefined (no sharing)
   * @example
   * ```ts
   * import { shareAcrossTabs } from '@ssekit/client';
   * const client = createClient({ url: '/sse', shareAcrossTabs });
   * ```
   */
  shareAcrossTabs?: TabSharing;
}

/** A tab's side of a connection shared across tabs, as `shareAcrossTabs` makes it. */
export interface TabShareLike {
  /** Open a connection of this client through the shared one. */
  open(request: {
    readonly url: string;
    readonly filter: readonly {
      readonly name: string;
      readonly topics: readonly string[] | null;
    }[];
    readonly lastEventId: string | undefined;
  }): EventSourceLike;
  /** The client closed: leave the share (a holder hands the connection over). */
  close(): void;
}

/** The type of the `shareAcrossTabs` option: `undefined` where the platform cannot share. */
export type TabSharing = (options: ClientOptions) => TabShareLike | undefined;

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Only events published with this topic (or one of these topics). */
  topic?: string | readonly string[];
}

/** Options of one RPC stream. */
export interface StreamOptions {
  /** Status changes of this stream. */
  onStatus?: (status: ClientStatus) => void;
  /**
   * Errors of this stream: refused input, `ssekit.error`, invalid payloads, and each failed
   * connection attempt while it retries (an `SseConnectionError` with its `attempt` count).
   */
  onError?: (error: SseError) => void;
  /**
   * How long the stream may take to open, at the start and again after a drop, before it ends:
   * `done` rejects with `NETWORK_ERROR`. `null` waits for ever. @default 30_000
   */
  connectTimeoutMs?: number | null;
}

/** A running RPC stream: listen per event, or iterate over `{ event, data }`. */
export interface StreamHandle<
  TContract extends AnyClientContract,
  TName extends keyof TContract['streams'] & string,
> extends AsyncIterable<StreamEvent<TContract, TName>> {
  /** Listen to one event of the stream. Returns the function that stops listening. */
  on<TEvent extends StreamEventName<TContract, TName>>(
    event: TEvent,
    callback: (data: StreamEventData<TContract, TName, TEvent>) => void,
  ): () => void;
  /** The stream's status: `closed` once it ended, failed or was closed. */
  readonly status: ClientStatus;
  /** Resolves when the server ends the stream (`ssekit.end`); rejects with its error (`ssekit.error`, a refused request). */
  readonly done: Promise<void>;
  /** Stop the stream: the server's handler is aborted. */
  close(): void;
}

/** A typed client for one contract. */
export interface SseClient<TContract extends AnyClientContract> {
  /**
   * Receive one broadcast event, parsed and typed. Returns `unsubscribe`.
   * @example
   * ```ts
   * const off = client.subscribe('price', (p) => chart.push(p.at, p.price), { topic: 'AAPL' });
   * ```
   */
  subscribe<TName extends EventName<TContract>>(
    name: TName,
    callback: (data: EventData<TContract, TName>) => void,
    options?: SubscribeOptions,
  ): () => void;
  /** The same as `subscribe`, as an async iterable; leaving the loop unsubscribes. */
  events<TName extends EventName<TContract>>(
    name: TName,
    options?: SubscribeOptions,
  ): AsyncIterableIterator<EventData<TContract, TName>>;
  /** Open an RPC stream with typed input. */
  stream<TName extends keyof TContract['streams'] & string>(
    name: TName,
    input: StreamInput<TContract, TName>,
    options?: StreamOptions,
  ): StreamHandle<TContract, TName>;
  /** The broadcast connection's status. */
  readonly status: ClientStatus;
  /** Call `listener` at every status change of the broadcast connection. Returns the function that stops it. */
  watchStatus(listener: (status: ClientStatus) => void): () => void;
  /** The id of the last broadcast event received (what a reconnect resumes from). */
  readonly lastEventId: string | undefined;
  /** Close the broadcast connection and every stream. */
  close(): void;
}
