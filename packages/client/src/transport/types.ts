/**
 * Structural types for the transport: what the client needs from `fetch`, a response body and an
 * `EventSource`, written out so that the package depends on neither the DOM nor Node typings.
 * A browser's `fetch` and `EventSource`, Node's `fetch`, and the `eventsource` npm package all fit.
 */

/** Handler type compared bivariantly, so that a native `EventSource`'s handlers (typed with the DOM's `Event`) fit. */
type Handler<TEvent> = { bivarianceHack(event: TEvent): unknown }['bivarianceHack'];

/** The part of an `Event` the client reads. */
export interface EventLike {
  /** `open`, `error`, `message`, or the name in the stream's `event:` field. */
  readonly type: string;
}

/**
 * The part of a `MessageEvent` the client reads: what a browser's `EventSource` dispatches for
 * each event of the stream.
 */
export interface MessageEventLike extends EventLike {
  /** The event's data: its `data:` lines joined with LF. */
  readonly data: string;
  /** [spec] The last event id string of the source when the event was dispatched (it persists). */
  readonly lastEventId: string;
  /** The origin of the URL that the stream came from, after redirects. */
  readonly origin: string;
}

/** A listener for `addEventListener`: `open` and `error` receive an `EventLike`, other types a `MessageEventLike`. */
export type EventSourceListener = Handler<MessageEventLike>;

/**
 * The `EventSource` interface as the client uses it. A browser's `EventSource`, the `eventsource`
 * npm package and `FetchEventSource` all satisfy it.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
 */
export interface EventSourceLike {
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;
  /** `CONNECTING` (0), `OPEN` (1) or `CLOSED` (2). */
  readonly readyState: number;
  readonly url: string;
  readonly withCredentials: boolean;
  onopen: Handler<EventLike> | null;
  /** Receives events with no `event:` field (type `message`) only; named events need `addEventListener`. */
  onmessage: Handler<MessageEventLike> | null;
  onerror: Handler<EventLike> | null;
  addEventListener(type: string, listener: EventSourceListener): void;
  removeEventListener(type: string, listener: EventSourceListener): void;
  /** Abort the connection and any pending reconnect; `readyState` becomes `CLOSED`. */
  close(): void;
}

/** The second argument of the `EventSource` constructor, as the spec defines it. */
export interface EventSourceInitLike {
  /** Send credentials (cookies) with cross-origin requests. @default false */
  withCredentials?: boolean;
}

/** An `EventSource` class: `new EventSourceCtor(url, init)`. */
export interface EventSourceConstructorLike {
  new (url: string, init?: EventSourceInitLike): EventSourceLike;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;
}

/**
 * The request options that `FetchEventSource` passes to `fetch`. Every field is one that a
 * browser's `fetch` and Node's `fetch` accept, so `(url, init) => fetch(url, init)` type-checks.
 */
export interface FetchLikeInit {
  /** `GET` unless the `method` option says otherwise. */
  method: string;
  /** Lower-case names: the caller's headers, then `accept` and `last-event-id`. */
  headers: Record<string, string>;
  /** The `body` option, sent again on every reconnect. */
  body?: string;
  /**
   * Aborted by `close()`, by a stall, and at the end of each connection. `AbortSignal` is a
   * global of both browsers and Node, not a DOM-only type.
   */
  signal: AbortSignal;
  /** [spec] `include` when `withCredentials`, else `same-origin`. */
  credentials: 'include' | 'same-origin';
  /** [spec] `no-store`: the fetch adds `Cache-Control: no-cache` without a CORS preflight. */
  cache: 'no-store';
  /** [spec] a potential-CORS request. */
  mode: 'cors';
  /**
   * [spec] redirects are followed; the final URL gives the events' `origin`. `manual` when the
   * request carries headers of the caller's: FetchEventSource follows those itself, so that they
   * never reach another origin.
   */
  redirect: 'follow' | 'manual';
}

/** A reader over a response body: `response.body.getReader()`. */
export interface ReaderLike {
  // `done: true` allows a value: the DOM typings declare `value: T | undefined` there.
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: unknown }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a fetch `Response` that `FetchEventSource` reads. */
export interface FetchLikeResponse {
  readonly status: number;
  /** The final URL, after redirects (an empty string when unknown). */
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): ReaderLike } | null;
}

/** A `fetch` function: the global one or any that takes and returns the structural types above. */
export type FetchLike = (url: string, init: FetchLikeInit) => Promise<FetchLikeResponse>;
