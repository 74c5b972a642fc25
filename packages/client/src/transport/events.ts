// The events a FetchEventSource dispatches: `error` events that say why (status, body, SseError)
// and message events with ssekit's `topic:` field, built as a browser's EventSource builds them.
import { SseError } from '@ssekit/core';
import type { EventLike, MessageEventLike } from './types.js';

/**
 * The `error` event of a `FetchEventSource`: a plain `Event` (no `data`, does not bubble), plus
 * what the spec's bare event cannot say, so that a caller can report it.
 *
 * As on a browser's `EventSource`, it means the connection is lost, and `readyState` tells what
 * happens next: `CONNECTING` — it reconnects after `retryDelayMs`; `CLOSED` — it gave up (a refused
 * connection), and `status`, `body` and `error` say why.
 */
export interface SseErrorEvent extends EventLike {
  readonly type: 'error';
  /**
   * What went wrong, by stable `code`. While `CONNECTING`: `NETWORK_ERROR` (fetch failed, the
   * stream broke or ended) or `STALLED`. When `CLOSED`: `HTTP_ERROR` (a status other than 200), the
   * server's own code when the body was ssekit's JSON error (`UNAUTHORIZED`…), or `BAD_CONTENT_TYPE`.
   */
  readonly error: SseError;
  /** Same as `error.message`, as on a DOM `ErrorEvent`. */
  readonly message: string;
  /** The HTTP status of a refused connection; `undefined` when no response arrived. */
  readonly status: number | undefined;
  /** The refused response's body as text, at most 64 KiB; `undefined` when none was read. */
  readonly body: string | undefined;
  /** The wait before the next attempt when reconnecting, else `null`. */
  readonly retryDelayMs: number | null;
}

/** Whether an `error` event came from a `FetchEventSource` and carries an `SseError`. */
export function isSseErrorEvent(event: EventLike): event is SseErrorEvent {
  return event.type === 'error' && (event as { error?: unknown }).error instanceof SseError;
}

/** The fields of an {@link SseErrorEvent} beyond `type` and `message`. */
export interface SseErrorEventInit {
  error: SseError;
  status?: number | undefined;
  body?: string | undefined;
  retryDelayMs: number | null;
}

/** Build the `error` event that `FetchEventSource` dispatches: a plain `Event` with the fields above. */
export function createErrorEvent(init: SseErrorEventInit): SseErrorEvent & Event {
  const { error, status, body, retryDelayMs } = init;
  const fields = { error, message: error.message, status, body, retryDelayMs };
  return Object.assign(new Event('error'), fields) as SseErrorEvent & Event;
}

/** A message event of a `FetchEventSource`: a `MessageEvent`, plus ssekit's `topic:` field. */
export interface SseMessageEvent extends MessageEventLike {
  /** [ssekit] The event's `topic:` field, when it had one (a browser's `EventSource` skips it). */
  readonly topic?: string;
}

/** Build a message event as a browser's `EventSource` would dispatch it, with `topic` if given. */
export function createMessageEvent(
  type: string,
  init: Omit<MessageEventLike, 'type'>,
  topic: string | undefined,
): Event & SseMessageEvent {
  // Every runtime FetchEventSource runs on has a global MessageEvent: browsers, workers, Node >= 15,
  // Deno and Bun (a runtime without one has no fetch with a streaming body either).
  const event: Event & { topic?: string } = new MessageEvent(type, init);
  if (topic !== undefined) event.topic = topic;
  return event as Event & SseMessageEvent;
}
