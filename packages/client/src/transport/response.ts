// A connection attempt's response, judged as the spec's "announce the connection" step does: go on,
// reconnect or fail; and a refused response's body read, bounded, into the SseError it carries.
import { fromSseErrorJson, isSseErrorJson, SseError, SseErrorCode } from '@ssekit/core';
import type { FetchLikeResponse, ReaderLike } from './types.js';

/** At most this much of a refused response's body is read, so a hostile answer cannot fill memory. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** How a response to a connection attempt is to be handled. */
export type ResponseVerdict =
  | { type: 'stream'; reader: ReaderLike }
  /** [spec] "fail the connection": no reconnect. `readBody` when the body may explain why. */
  | { type: 'refused'; status: number; readBody: boolean; error: SseError };

/**
 * Check a response the way the spec's "announce the connection" step does.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource
 */
export function checkResponse(response: FetchLikeResponse): ResponseVerdict {
  const { status } = response;
  // [spec] "If res's status is not 200 […] fail the connection." 204 included: it is how a server
  // tells a client to stop reconnecting.
  if (status !== 200) {
    return {
      type: 'refused',
      status,
      readBody: status !== 204 && status !== 205,
      error: new SseError(SseErrorCode.HTTP_ERROR, `The server answered HTTP ${status}`, {
        status,
      }),
    };
  }
  const contentType = response.headers.get('content-type');
  // [spec] "[…] or if res's `Content-Type` is not `text/event-stream`, fail the connection."
  // Compared as a MIME type essence: parameters (`; charset=…`, even a wrong one: the stream is
  // always UTF-8) and case do not matter.
  if (contentType === null || mimeEssence(contentType) !== 'text/event-stream') {
    return {
      type: 'refused',
      status,
      readBody: false,
      error: new SseError(
        SseErrorCode.BAD_CONTENT_TYPE,
        `Expected Content-Type text/event-stream, got ${contentType === null ? 'none' : JSON.stringify(contentType.slice(0, 100))}`,
        { status },
      ),
    };
  }
  if (!response.body) {
    return {
      type: 'refused',
      status,
      readBody: false,
      error: new SseError(SseErrorCode.NETWORK_ERROR, 'The response has no readable body', {
        status,
      }),
    };
  }
  return { type: 'stream', reader: response.body.getReader() };
}

function mimeEssence(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * Read a refused response's body as text, up to {@link MAX_ERROR_BODY_BYTES}, then cancel the rest.
 * Read errors end the text where they happen: the status alone still explains the refusal.
 */
export async function readErrorBody(response: FetchLikeResponse): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < MAX_ERROR_BODY_BYTES) {
      const result = await reader.read();
      if (result.done) return text + decoder.decode();
      const chunk = result.value.subarray(0, MAX_ERROR_BODY_BYTES - bytes);
      bytes += chunk.byteLength;
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } catch {
    return text;
  } finally {
    cancelQuietly(reader);
  }
}

/**
 * The error for a refused connection: ssekit's JSON error body (`{"error":{code,message,issues}}`)
 * becomes that `SseError` with the status attached; any other body keeps the generic one.
 */
export function errorFromBody(fallback: SseError, status: number, body: string): SseError {
  if (body === '') return fallback;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fallback;
  }
  const inner =
    typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
  return isSseErrorJson(inner) ? fromSseErrorJson(inner, { status }) : fallback;
}

/** Cancel a response's body without reading it; a body already locked ends with the aborted signal. */
export function cancelBody(response: FetchLikeResponse): void {
  try {
    if (response.body) cancelQuietly(response.body.getReader());
  } catch {
    // already locked or disturbed: the aborted signal ends it
  }
}

/** Cancel a body reader, whatever it does: reject, throw, or not return a promise at all. */
export function cancelQuietly(reader: ReaderLike): void {
  Promise.resolve()
    .then(() => reader.cancel())
    .catch(() => {});
}
