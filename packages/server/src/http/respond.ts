// What a route answers, before any transport: a JSON body (errors, the OpenAPI document), the
// headers of a HEAD, a stream to open on a sink, or "not a route of ours". Each adapter turns an
// answer into its own response; the status codes and error bodies live here once.
import { Buffer } from 'node:buffer';
import { SseError, SseErrorCode } from '@ssekit/core';
import type { SseSink } from '../hub/sink.js';

const STATUS: Record<SseErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_EVENT: 400,
  UNKNOWN_STREAM: 400,
  INVALID_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_MANY_CONNECTIONS: 503,
  SERVER_CLOSING: 503,
  RATE_LIMITED: 429,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_CONTRACT: 500,
  INVALID_FIELD: 400,
  EVENT_TOO_LARGE: 413,
  NETWORK_ERROR: 502,
  HTTP_ERROR: 502,
  BAD_CONTENT_TYPE: 502,
  STALLED: 504,
  STREAM_FAILED: 500,
  INTERNAL: 500,
};

/** The HTTP status an error travels with before a stream starts. */
export function statusOf(error: SseError): number {
  return error.status ?? STATUS[error.code];
}

/** A route's answer, a union tagged by `type`; the adapters write it. */
export type Answer =
  /** A complete JSON response: an error before the stream, or the OpenAPI document. */
  | {
      readonly type: 'json';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string;
    }
  /** HEAD on a stream route: the stream's headers (`sseHeaders`), status 200, no body. */
  | { readonly type: 'head' }
  /**
   * A stream, authorized and holding its connection slot: the adapter sends status 200 with
   * `sseHeaders`, makes a sink, and calls `open` with it at once (the slot is released on its close).
   */
  | { readonly type: 'stream'; open(sink: SseSink): void }
  /** Not a route of this server: express passes the request on, the Fetch handler answers 404. */
  | { readonly type: 'none' };

/** A complete JSON response. */
export function jsonAnswer(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Answer {
  return {
    type: 'json',
    status,
    body,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      ...headers,
    },
  };
}

/**
 * Answer a request that will not become a stream: a JSON body `{ "error": { code, message, issues? } }`
 * with the error's status.
 */
export function errorAnswer(error: SseError, headers: Record<string, string> = {}): Answer {
  const body = JSON.stringify({ error: { ...error.toJSON(), status: undefined } });
  return jsonAnswer(statusOf(error), body, {
    'Cache-Control': 'no-store',
    // The body may echo parts of the request: never let a browser sniff it into something else.
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
}

/** Shorthand for the errors of malformed requests. */
export function badRequest(
  message: string,
  code: SseErrorCode = SseErrorCode.BAD_REQUEST,
): SseError {
  return new SseError(code, message);
}
