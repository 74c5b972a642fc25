// `FetchEventSource`: the spec's EventSource on `fetch` and core's parser, plus headers, a body,
// backoff, a stall check and refusals that say why. The transport's one class; the rest serve it.
import { createParser, type ParsedEvent, SseError, SseErrorCode } from '@ssekit/core';
import { reconnectDelayMs } from './backoff.js';
import {
  createErrorEvent,
  createMessageEvent,
  type SseErrorEvent,
  type SseErrorEventInit,
  type SseMessageEvent,
} from './events.js';
import {
  FETCH_EVENT_SOURCE_DEFAULTS,
  type FetchEventSourceInit,
  requestHeaders,
} from './options.js';
import { fetchWithOwnRedirects } from './redirects.js';
import {
  cancelBody,
  cancelQuietly,
  checkResponse,
  errorFromBody,
  readErrorBody,
} from './response.js';
import type {
  EventLike,
  EventSourceLike,
  FetchLike,
  FetchLikeResponse,
  ReaderLike,
} from './types.js';
import { originOf, resolveUrl } from './url.js';

/** The longest delay setTimeout keeps: past it, it fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long a refused response's body may take to arrive before the error is reported without it. */
const ERROR_BODY_TIMEOUT_MS = 5_000;

/** The events of a `FetchEventSource` with a known type; any other name is an `SseMessageEvent`. */
export interface FetchEventSourceEventMap {
  open: EventLike;
  message: SseMessageEvent;
  error: SseErrorEvent;
}

/** One connection attempt, from the request to the end of its body. */
interface Attempt {
  readonly controller: AbortController;
  /** The stall check, or the deadline of a refused response's body. */
  timer: ReturnType<typeof setTimeout> | undefined;
  lastByteAt: number;
  /** The body being read, cancelled when the attempt ends (for a fetch that ignores its signal). */
  reader: ReaderLike | undefined;
}

type Handler<TEvent> = ((this: FetchEventSource, event: TEvent) => unknown) | null;

/**
 * What `EventTarget` takes, spelled out: the DOM's `EventListenerOrEventListenerObject` and
 * `AddEventListenerOptions` are not globals in Node's typings.
 */
type PlainListener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };
/** The listener type of the platform's `EventTarget` (it differs between the DOM and Node typings). */
type TargetListener = Parameters<EventTarget['addEventListener']>[1];
type ListenerOptions =
  | boolean
  | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal };

/**
 * A spec-exact `EventSource` built on `fetch` and ssekit's parser, that can also send headers (a
 * fresh token on every reconnect), POST a body, back off exponentially while a server is down,
 * notice a stalled connection, and report why a connection was refused (status, body, `SseError`).
 * It runs in browsers and in Node >= 20 without a polyfill.
 *
 * Every `error` event is an {@link SseErrorEvent}; `readyState` says what comes next: `CONNECTING`
 * (it reconnects) or `CLOSED` (refused: 204, another status than 200, a wrong `Content-Type`).
 * Message events also carry ssekit's `topic:` field as `topic` ({@link SseMessageEvent}).
 *
 * @example
 * ```ts
 * const source = new FetchEventSource('/sse?events=price', {
 *   headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
 *   stallTimeoutMs: 45_000,
 * });
 * source.addEventListener('price', (event) => render(JSON.parse(event.data)));
 * source.onerror = (event) => {
 *   if (source.readyState === source.CLOSED) report(event.error); // e.g. UNAUTHORIZED, status 401
 * };
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
 */
export class FetchEventSource extends EventTarget implements EventSourceLike {
  /** `readyState` while connecting, and while waiting to reconnect. */
  static readonly CONNECTING = 0;
  /** `readyState` while the stream is open. */
  static readonly OPEN = 1;
  /** `readyState` after `close()` or a refusal: nothing more happens. */
  static readonly CLOSED = 2;
  /** `readyState` while connecting, and while waiting to reconnect. */
  readonly CONNECTING = 0;
  /** `readyState` while the stream is open. */
  readonly OPEN = 1;
  /** `readyState` after `close()` or a refusal: nothing more happens. */
  readonly CLOSED = 2;

  readonly #url: string;
  readonly #withCredentials: boolean;
  readonly #options: FetchEventSourceInit;
  readonly #fetch: FetchLike;
  readonly #maxRetryMs: number;
  readonly #stallTimeoutMs: number | null;
  readonly #maxEventLength: number;

  #readyState: 0 | 1 | 2 = 0;
  /** [spec] the reconnection time: `initialRetryMs` until a `retry:` field sets it. */
  #retryMs: number;
  /** Attempts that ended without opening (or opened only briefly), in a row: the backoff's exponent. */
  #failures = 0;
  #eventsSinceOpen = 0;
  readonly #minRetryMs: number;
  /** [spec] the event source's last event ID string. */
  #lastEventId: string;
  /** The origin of the stream's final URL (after redirects), for message events. */
  #origin = '';
  #attempt: Attempt | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #onopen: Handler<EventLike> = null;
  #onmessage: Handler<SseMessageEvent> = null;
  #onerror: Handler<SseErrorEvent> = null;

  /**
   * Open a connection at once; it reconnects until `close()` or a refusal.
   * @throws `SyntaxError` (a `DOMException` where there is one) when `url` does not parse.
   */
  constructor(url: string | URL, options: FetchEventSourceInit = {}) {
    super();
    const parsed = resolveUrl(url);
    const fetch = options.fetch ?? globalThis.fetch;
    if (typeof fetch !== 'function') throw new TypeError('No global fetch: pass options.fetch');
    this.#url = parsed.href;
    this.#withCredentials = options.withCredentials ?? false;
    this.#options = options;
    this.#fetch = fetch;
    // The caller's own choice is trusted; only a server's `retry:` is clamped.
    this.#retryMs = options.initialRetryMs ?? FETCH_EVENT_SOURCE_DEFAULTS.initialRetryMs;
    this.#maxRetryMs = options.maxRetryMs ?? FETCH_EVENT_SOURCE_DEFAULTS.maxRetryMs;
    this.#minRetryMs = options.minRetryMs ?? FETCH_EVENT_SOURCE_DEFAULTS.minRetryMs;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? FETCH_EVENT_SOURCE_DEFAULTS.stallTimeoutMs;
    this.#maxEventLength = options.maxEventLength ?? FETCH_EVENT_SOURCE_DEFAULTS.maxEventLength;
    this.#lastEventId = options.lastEventId ?? '';
    // The on* attributes are listeners registered first, so they run in the spec's order relative
    // to later addEventListener calls, with `this` and `event.currentTarget` set.
    super.addEventListener('open', (event) => this.#onopen?.call(this, event));
    super.addEventListener('message', (event) => this.#onmessage?.call(this, event as never));
    super.addEventListener('error', (event) => this.#onerror?.call(this, event as never));
    this.#start();
  }

  /** `CONNECTING` (0), `OPEN` (1) or `CLOSED` (2). */
  get readyState(): 0 | 1 | 2 {
    return this.#readyState;
  }

  /** The resolved URL of the stream (before redirects). */
  get url(): string {
    return this.#url;
  }

  /** Whether requests send credentials cross-origin (`credentials: 'include'`). */
  get withCredentials(): boolean {
    return this.#withCredentials;
  }

  /**
   * [spec] The last event ID string: the id of the last event dispatched (or of an id-only
   * block), sent as `Last-Event-ID` on reconnect. Not part of the `EventSource` interface.
   */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Called on each `open` event: a connection was accepted (200, `text/event-stream`). */
  get onopen(): Handler<EventLike> {
    return this.#onopen;
  }
  set onopen(handler: Handler<EventLike>) {
    this.#onopen = typeof handler === 'function' ? handler : null;
  }

  /** Receives events of type `message` only (no `event:` field); named ones need `addEventListener`. */
  get onmessage(): Handler<SseMessageEvent> {
    return this.#onmessage;
  }
  set onmessage(handler: Handler<SseMessageEvent>) {
    this.#onmessage = typeof handler === 'function' ? handler : null;
  }

  /** Called on each `error` event: see {@link SseErrorEvent} for what it carries. */
  get onerror(): Handler<SseErrorEvent> {
    return this.#onerror;
  }
  set onerror(handler: Handler<SseErrorEvent>) {
    this.#onerror = typeof handler === 'function' ? handler : null;
  }

  override addEventListener<K extends keyof FetchEventSourceEventMap>(
    type: K,
    listener: (this: FetchEventSource, event: FetchEventSourceEventMap[K]) => unknown,
    options?: ListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: (this: FetchEventSource, event: SseMessageEvent) => unknown,
    options?: ListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: PlainListener | null,
    options?: ListenerOptions,
  ): void;
  override addEventListener(type: string, listener: unknown, options?: ListenerOptions): void {
    super.addEventListener(type, listener as TargetListener, options);
  }

  override removeEventListener<K extends keyof FetchEventSourceEventMap>(
    type: K,
    listener: (this: FetchEventSource, event: FetchEventSourceEventMap[K]) => unknown,
    options?: ListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: (this: FetchEventSource, event: SseMessageEvent) => unknown,
    options?: ListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: PlainListener | null,
    options?: ListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: unknown, options?: ListenerOptions): void {
    super.removeEventListener(type, listener as TargetListener, options);
  }

  /**
   * [spec] Abort the fetch and set `readyState` to `CLOSED`. Pending timers are cleared, and no
   * event is dispatched after this, not even the rest of a chunk being parsed.
   */
  close(): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#endAttempt();
    this.#readyState = FetchEventSource.CLOSED;
  }

  #start(): void {
    const attempt: Attempt = {
      controller: new AbortController(),
      timer: undefined,
      lastByteAt: Date.now(),
      reader: undefined,
    };
    this.#attempt = attempt;
    this.#armStallCheck(attempt);
    // Whatever a custom fetch's response does wrong (a throwing getter, a reader that is not one)
    // ends this attempt like a network error, rather than as an unhandled rejection.
    this.#connect(attempt).catch((cause: unknown) => {
      this.#reestablish(
        attempt,
        new SseError(SseErrorCode.NETWORK_ERROR, failMessage(cause), { cause }),
      );
    });
  }

  async #connect(attempt: Attempt): Promise<void> {
    const { method, body } = this.#options;
    let headers: Record<string, string>;
    try {
      headers = await requestHeaders(this.#options.headers, this.#lastEventId);
    } catch (cause) {
      // a token refresh that failed: worth another try, with the backoff
      this.#reestablish(
        attempt,
        new SseError(SseErrorCode.NETWORK_ERROR, 'The headers option failed', { cause }),
      );
      return;
    }
    if (this.#attempt !== attempt) return;
    let response: FetchLikeResponse;
    let finalUrl: string;
    try {
      ({ response, url: finalUrl } = await fetchWithOwnRedirects(this.#fetch, this.#url, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(body === undefined ? {} : { body }),
        signal: attempt.controller.signal,
        // [spec] credentials mode "include" when withCredentials, else "same-origin".
        credentials: this.#withCredentials ? 'include' : 'same-origin',
        // [spec] "Set request's cache mode to "no-store"."
        cache: 'no-store',
        mode: 'cors',
      }));
    } catch (cause) {
      // [spec] a network error (or a request that could not be made): reestablish the connection.
      this.#reestablish(
        attempt,
        new SseError(SseErrorCode.NETWORK_ERROR, failMessage(cause), { cause }),
      );
      return;
    }
    if (this.#attempt !== attempt) {
      cancelBody(response);
      return;
    }
    attempt.lastByteAt = Date.now();
    const verdict = checkResponse(response);
    if (verdict.type === 'refused') {
      await this.#refuse(attempt, response, verdict);
      return;
    }
    attempt.reader = verdict.reader;
    // [spec] announce the connection: "if readyState is not CLOSED, set it to OPEN and fire open".
    this.#readyState = FetchEventSource.OPEN;
    this.#eventsSinceOpen = 0;
    this.#origin = originOf(finalUrl);
    this.dispatchEvent(new Event('open'));
    await this.#read(attempt, verdict.reader);
  }

  async #read(attempt: Attempt, reader: ReaderLike): Promise<void> {
    const parser = createParser({
      lastEventId: this.#lastEventId,
      maxEventLength: this.#maxEventLength,
      onEvent: (event) => this.#dispatchMessage(attempt, event),
      // [spec] a valid retry field sets the event stream's reconnection time.
      onRetry: (retryMs) => {
        // [spec] user agents may wait longer: no server can make this loop faster than the floor.
        this.#retryMs = Math.min(Math.max(retryMs, this.#minRetryMs), MAX_TIMER_MS);
      },
      // The connection stays open: not an `error` event, which would tell listeners it was lost.
      onError: (error) => {
        if (this.#attempt === attempt) this.#options.onParseError?.(error);
      },
    });
    try {
      for (;;) {
        // closed in a listener (open or an event of the last chunk): stop reading at once
        if (this.#attempt !== attempt) break;
        const result = await reader.read();
        if (this.#attempt !== attempt) break;
        if (result.done) {
          // [spec] the end of the body reestablishes the connection; an unterminated event is lost.
          this.#reestablish(
            attempt,
            new SseError(SseErrorCode.NETWORK_ERROR, 'The server ended the stream'),
          );
          return;
        }
        attempt.lastByteAt = Date.now();
        parser.feed(result.value);
        // an id-only block (`id: 7` and a blank line) moves the last event id without an event
        if (this.#attempt === attempt) this.#lastEventId = parser.lastEventId;
      }
    } catch (cause) {
      // [spec] a network error while the body streams: reestablish the connection.
      this.#reestablish(
        attempt,
        new SseError(SseErrorCode.NETWORK_ERROR, failMessage(cause), { cause }),
      );
      return;
    }
    // closed from a listener: #endAttempt cancelled the reader already
  }

  #dispatchMessage(attempt: Attempt, event: ParsedEvent): void {
    // [spec] events are dispatched only while the source is not CLOSED; a reconnect has its own.
    if (this.#attempt !== attempt) return;
    this.#lastEventId = event.lastEventId;
    this.#eventsSinceOpen += 1;
    const { type, data, lastEventId, topic } = event;
    this.dispatchEvent(
      createMessageEvent(type, { data, lastEventId, origin: this.#origin }, topic),
    );
  }

  /** [spec] "fail the connection": no reconnect, after reading why from the body when there is one. */
  async #refuse(
    attempt: Attempt,
    response: FetchLikeResponse,
    verdict: { status: number; readBody: boolean; error: SseError },
  ): Promise<void> {
    clearTimeout(attempt.timer);
    let body: string | undefined;
    let { error } = verdict;
    if (verdict.readBody) {
      attempt.timer = setTimeout(() => attempt.controller.abort(), ERROR_BODY_TIMEOUT_MS);
      body = await readErrorBody(response);
      clearTimeout(attempt.timer);
      attempt.timer = undefined;
      error = errorFromBody(error, verdict.status, body);
    } else {
      cancelBody(response);
    }
    if (this.#attempt !== attempt) return;
    this.#endAttempt();
    // [spec] "set the readyState attribute to CLOSED and fire an event named error".
    this.#readyState = FetchEventSource.CLOSED;
    this.#dispatchError({ error, status: verdict.status, body, retryDelayMs: null });
  }

  /** @see https://html.spec.whatwg.org/multipage/server-sent-events.html#reestablish-the-connection */
  #reestablish(attempt: Attempt, error: SseError): void {
    // [spec] "If the readyState attribute is set to CLOSED, abort the task": close() (or a stall
    // already handled) ended this attempt.
    if (this.#attempt !== attempt) return;
    const opened = this.#readyState === FetchEventSource.OPEN;
    this.#endAttempt();
    // A connection that delivered events resets the backoff. One that opened and ended before any
    // event counts as a failure: a server that answers 200 and closes cannot make the source loop.
    this.#failures = opened && this.#eventsSinceOpen > 0 ? 0 : this.#failures + 1;
    // [spec] "Set the readyState attribute to CONNECTING. Fire an event named error."
    this.#readyState = FetchEventSource.CONNECTING;
    const delayMs = reconnectDelayMs({
      retryMs: this.#retryMs,
      failures: this.#failures,
      maxRetryMs: this.#maxRetryMs,
    });
    // Scheduled before the event fires, so that close() in an error listener cancels it.
    this.#reconnectTimer = setTimeout(
      () => {
        this.#reconnectTimer = undefined;
        // [spec] "If the EventSource's readyState attribute is not set to CONNECTING, then return."
        if (this.#readyState === FetchEventSource.CONNECTING) this.#start();
      },
      // setTimeout fires at once past 2³¹−1 ms: a huge `retry:` must not become a busy loop.
      Math.min(delayMs, MAX_TIMER_MS),
    );
    this.#dispatchError({ error, retryDelayMs: delayMs });
  }

  #armStallCheck(attempt: Attempt): void {
    const limitMs = this.#stallTimeoutMs;
    if (limitMs === null) return;
    // One timer per window rather than a reset per chunk: each chunk only stamps `lastByteAt`.
    const check = (): void => {
      const idleMs = Date.now() - attempt.lastByteAt;
      if (idleMs < limitMs) {
        attempt.timer = setTimeout(check, limitMs - idleMs);
        return;
      }
      attempt.timer = undefined;
      this.#reestablish(
        attempt,
        new SseError(SseErrorCode.STALLED, `No byte from the server for ${limitMs} ms`),
      );
    };
    attempt.timer = setTimeout(check, limitMs);
  }

  #endAttempt(): void {
    const attempt = this.#attempt;
    if (!attempt) return;
    this.#attempt = undefined;
    clearTimeout(attempt.timer);
    attempt.timer = undefined;
    attempt.controller.abort();
    if (attempt.reader) cancelQuietly(attempt.reader);
  }

  #dispatchError(init: SseErrorEventInit): void {
    this.dispatchEvent(createErrorEvent(init));
  }
}

function failMessage(cause: unknown): string {
  const detail = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
  return `The connection to the server failed${detail}`;
}
