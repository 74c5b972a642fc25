// FetchEventSource's options (`FetchEventSourceInit`), their defaults, and the headers of each
// connection request made from them.
import type { SseError } from '@ssekit/core';
import type { EventSourceInitLike, FetchLike } from './types.js';

/** Request headers: a plain object, or any iterable of name–value pairs (a `Headers` object is one). */
export type HeadersValue = Record<string, string> | Iterable<readonly [string, string]>;

/**
 * Options of `FetchEventSource`: the spec's `EventSourceInit` (`withCredentials`) and what a
 * browser's `EventSource` cannot do.
 */
export interface FetchEventSourceInit extends EventSourceInitLike {
  /**
   * Headers for every connection request, or a function (sync or async) called before each one, so
   * that a refreshed token is used from the next reconnect on. A function that throws counts as a
   * failed attempt (`NETWORK_ERROR`, the error as `cause`), and the source retries.
   * `Accept` and `Last-Event-ID` are set by the source.
   * @default {}
   */
  headers?: HeadersValue | (() => HeadersValue | Promise<HeadersValue>);
  /**
   * The `fetch` to use: a proxy, a mock, or one with its own agent.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /**
   * The request method, for RPC streams that take a body.
   * @default 'GET', or 'POST' when `body` is set
   */
  method?: string;
  /**
   * The request body, sent again on every reconnect (so a string, not a stream). Set a
   * `Content-Type` header with it, e.g. `application/json`.
   * @default undefined
   */
  body?: string;
  /**
   * [spec] The reconnection time until the server sends a `retry:` field, in milliseconds.
   * @default 1000
   */
  initialRetryMs?: number;
  /**
   * The floor of a server's `retry:`: a smaller value (`retry: 0` included) waits this long instead,
   * so that no server can make the source reconnect more than twice a second. A value past 2³¹−1 ms
   * (which setTimeout would fire at once) is clamped to that.
   * @default 500
   */
  minRetryMs?: number;
  /**
   * Ceiling of the exponential backoff that grows while attempts fail in a row (it resets once a
   * connection delivers an event: one that opens and ends without any is a failure). `0` keeps the spec's fixed delay. A server's `retry:` above it still wins.
   * @default 30_000
   */
  maxRetryMs?: number;
  /**
   * When no byte arrives for this long (heartbeat comments count, response headers too), abort
   * the connection and reconnect, with an `error` event of code `STALLED`. ssekit servers send a
   * heartbeat every 15 s of silence, so 45_000 suits them. `null` turns the check off.
   * @default null
   */
  stallTimeoutMs?: number | null;
  /**
   * Longest line, and longest event data, in characters. A longer event is dropped and reported to
   * `onParseError` (code `EVENT_TOO_LARGE`) while the connection stays open, so a hostile server
   * cannot exhaust memory.
   * @default 1_048_576
   */
  maxEventLength?: number;
  /**
   * Called when the parser drops an event or a line longer than `maxEventLength` (code
   * `EVENT_TOO_LARGE`). The connection stays open, so this is not an `error` event: those mean
   * that the connection is lost, as on a browser's `EventSource`.
   * @default undefined
   */
  onParseError?: (error: SseError) => void;
  /**
   * The last event id to start from: sent as `Last-Event-ID` on the first connect already.
   * @default ''
   */
  lastEventId?: string;
}

/** Defaults of {@link FetchEventSourceInit}. */
export const FETCH_EVENT_SOURCE_DEFAULTS = {
  initialRetryMs: 1000,
  minRetryMs: 500,
  maxRetryMs: 30_000,
  stallTimeoutMs: null,
  maxEventLength: 1_048_576,
} as const;

/**
 * The headers of one connection request: the caller's, with lower-cased names, then the source's
 * own. `cache: 'no-store'` on the request makes `fetch` add `Cache-Control: no-cache` itself,
 * without turning a cross-origin request into a preflighted one as an explicit header would.
 */
export async function requestHeaders(
  headers: FetchEventSourceInit['headers'],
  lastEventId: string,
): Promise<Record<string, string>> {
  const result = await callerHeaders(headers);
  // [spec] "User agents may set (`Accept`, `text/event-stream`) in request's header list."
  result.accept = 'text/event-stream';
  // [spec] "If the event source's last event ID string is not the empty string, set
  // (`Last-Event-ID`, last event ID string, encoded as UTF-8) in request's header list."
  // A header value is a byte string to fetch (it throws on a code point above U+00FF), so the
  // UTF-8 bytes go in one character each.
  if (lastEventId !== '') result['last-event-id'] = utf8ByteString(lastEventId);
  return result;
}

/** The caller's headers of one request (the function called), with lower-cased names. */
export async function callerHeaders(
  headers: FetchEventSourceInit['headers'],
): Promise<Record<string, string>> {
  const value = typeof headers === 'function' ? await headers() : headers;
  const result: Record<string, string> = {};
  if (value !== undefined) {
    const entries = Symbol.iterator in value ? value : Object.entries(value);
    for (const [name, headerValue] of entries as Iterable<readonly [string, string]>) {
      result[name.toLowerCase()] = headerValue;
    }
  }
  return result;
}

let encoder: { encode(text: string): Uint8Array } | undefined;

function utf8ByteString(text: string): string {
  // ASCII, the usual case (ssekit's own ids are), is its own UTF-8 encoding.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  encoder ??= new TextEncoder();
  let bytes = '';
  for (const byte of encoder.encode(text)) bytes += String.fromCharCode(byte);
  return bytes;
}
