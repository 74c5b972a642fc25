// The SSE encoder: fields (`SseFrame`) → `text/event-stream` text, comments (the server's
// heartbeat), `retry:`. A field value that could inject another field is refused, never escaped.
import { SseError, SseErrorCode } from '../errors.js';

/** One SSE event as fields. `data` may hold line breaks: it is split into several `data:` lines. */
export interface SseFrame {
  /** The event id. Must not contain CR, LF or NUL. */
  id?: string | undefined;
  /** The event type. Must not contain CR, LF or NUL. Omitted means `message`. */
  event?: string | undefined;
  data: string;
  /**
   * [ssekit] The topic the event was published with. Spec parsers ignore unknown fields, so this is
   * invisible to a plain `EventSource`; ssekit's parser reads it to route events to topic subscribers.
   * Must not contain CR, LF or NUL.
   */
  topic?: string | undefined;
  /** Reconnection time in milliseconds: a non-negative integer. */
  retry?: number | undefined;
}

// [spec] a field value ends at CR or LF, and a NUL in an id makes browsers ignore the id: any of the
// three in a single-line field would let a caller inject fields, so they are refused, not escaped.
const FORBIDDEN_IN_FIELD = /[\r\n\0]/;
const LINE_BREAK = /\r\n|\r|\n/;

function checkField(name: 'id' | 'event' | 'topic', value: string): void {
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new SseError(
      SseErrorCode.INVALID_FIELD,
      `SSE ${name} must not contain CR, LF or NUL: ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
}

/**
 * Encode one event as SSE text, ending with the blank line that dispatches it.
 *
 * @throws SseError `INVALID_FIELD` when `id` or `event` holds CR, LF or NUL, or `retry` is not a
 * non-negative integer.
 * @example
 * ```ts
 * encodeEvent({ id: 'k3f9a2-41', event: 'price', data: '{"price":1}' });
 * // 'id: k3f9a2-41\nevent: price\ndata: {"price":1}\n\n'
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function encodeEvent(frame: SseFrame): string {
  let out = '';
  if (frame.retry !== undefined) {
    if (!Number.isSafeInteger(frame.retry) || frame.retry < 0) {
      throw new SseError(
        SseErrorCode.INVALID_FIELD,
        `SSE retry must be a non-negative integer, got ${frame.retry}`,
      );
    }
    out += `retry: ${frame.retry}\n`;
  }
  if (frame.id !== undefined) {
    checkField('id', frame.id);
    out += `id: ${frame.id}\n`;
  }
  if (frame.event !== undefined) {
    checkField('event', frame.event);
    out += `event: ${frame.event}\n`;
  }
  if (frame.topic !== undefined) {
    checkField('topic', frame.topic);
    out += `topic: ${frame.topic}\n`;
  }
  // The common case, one line of JSON, skips the split.
  if (frame.data.indexOf('\n') === -1 && frame.data.indexOf('\r') === -1) {
    out += `data: ${frame.data}\n`;
  } else {
    for (const line of frame.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

/**
 * Encode a comment: every line prefixed with `:`. Parsers ignore comments, which makes them the
 * heartbeat that keeps proxies from closing an idle connection.
 *
 * @example
 * ```ts
 * encodeComment('hb'); // ': hb\n\n'
 * ```
 */
export function encodeComment(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += line === '' ? ':\n' : `: ${line}\n`;
  return `${out}\n`;
}

/** Encode only a `retry:` field (sent once at connect). */
export function encodeRetry(retryMs: number): string {
  if (!Number.isSafeInteger(retryMs) || retryMs < 0) {
    throw new SseError(
      SseErrorCode.INVALID_FIELD,
      `SSE retry must be a non-negative integer, got ${retryMs}`,
    );
  }
  return `retry: ${retryMs}\n\n`;
}
