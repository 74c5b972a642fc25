import type { ServerResponse } from 'node:http';
import { SseError, SseErrorCode } from '@ssekit/core';

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

/**
 * Answer a request that will not become a stream: a JSON body `{ "error": { code, message, issues? } }`.
 * Nothing is written when the response has already started (the stream carries its own errors).
 */
export function sendError(
  res: ServerResponse,
  error: SseError,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ error: { ...error.toJSON(), status: undefined } });
  res.writeHead(statusOf(error), {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    // The body may echo parts of the request: never let a browser sniff it into something else.
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/** Shorthand for the errors of malformed requests. */
export function badRequest(
  message: string,
  code: SseErrorCode = SseErrorCode.BAD_REQUEST,
): SseError {
  return new SseError(code, message);
}
