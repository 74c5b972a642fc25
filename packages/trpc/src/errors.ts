// Errors between ssekit and tRPC: each SseError code mapped to the tRPC code whose retry behaviour
// fits, `toTrpcError` for what a handler throws, and `ssekitErrorData` for an app's errorFormatter.
import { SseError, SseErrorCode, type SseErrorJson, toSseError } from '@ssekit/core';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';

/**
 * ssekit's codes as tRPC codes. tRPC's links retry `INTERNAL_SERVER_ERROR`, `SERVICE_UNAVAILABLE`,
 * `BAD_GATEWAY` and `GATEWAY_TIMEOUT`, and give up on the others.
 */
const TRPC_CODES: Record<SseErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNKNOWN_EVENT: 'BAD_REQUEST',
  UNKNOWN_STREAM: 'NOT_FOUND',
  INVALID_INPUT: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_REQUESTS',
  SERVER_CLOSING: 'SERVICE_UNAVAILABLE',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  VALIDATION_FAILED: 'INTERNAL_SERVER_ERROR',
  INVALID_JSON: 'INTERNAL_SERVER_ERROR',
  INVALID_CONTRACT: 'INTERNAL_SERVER_ERROR',
  INVALID_FIELD: 'INTERNAL_SERVER_ERROR',
  EVENT_TOO_LARGE: 'INTERNAL_SERVER_ERROR',
  NETWORK_ERROR: 'INTERNAL_SERVER_ERROR',
  HTTP_ERROR: 'INTERNAL_SERVER_ERROR',
  BAD_CONTENT_TYPE: 'INTERNAL_SERVER_ERROR',
  STALLED: 'INTERNAL_SERVER_ERROR',
  STREAM_FAILED: 'INTERNAL_SERVER_ERROR',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/**
 * Turn anything a handler threw into a `TRPCError`. A `TRPCError` passes through; an `SseError`
 * keeps its code (mapped) and its exposable message; anything else becomes `INTERNAL_SERVER_ERROR`
 * with a generic message, since a raw message never reaches a client. The `SseError` stays as
 * `cause`, for `ssekitErrorData`.
 */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  const sse = toSseError(error);
  const json = sse.toJSON();
  return new TRPCError({ code: TRPC_CODES[json.code], message: json.message, cause: sse });
}

function isSseError(value: unknown): value is SseError {
  // Duck-typed as well: ESM and CJS copies of @ssekit/core each have their own class.
  if (value instanceof SseError) return true;
  if (!(value instanceof Error)) return false;
  const { code, toJSON } = value as Error & { code?: unknown; toJSON?: unknown };
  return (
    typeof code === 'string' && Object.hasOwn(SseErrorCode, code) && typeof toJSON === 'function'
  );
}

/**
 * The ssekit error behind a tRPC error (an input that failed the stream's schema, a refused
 * subscription, a handler's `SseError`), as JSON with its code and issues; `null` for any other.
 * Use it in `errorFormatter`, so that the tRPC client gets the issues as data, typed.
 *
 * @example
 * ```ts
 * const t = initTRPC.create({
 *   errorFormatter: ({ shape, error }) => ({
 *     ...shape,
 *     data: { ...shape.data, ssekit: ssekitErrorData(error) },
 *   }),
 * });
 * // client: err.data?.ssekit?.issues → [{ code, path: ['buildId'], message }]
 * ```
 */
export function ssekitErrorData(error: TRPCError): SseErrorJson | null {
  const cause = error.cause;
  if (!isSseError(cause)) return null;
  const json = cause.toJSON();
  // The HTTP status is tRPC's business (`data.httpStatus`).
  delete json.status;
  return json;
}
