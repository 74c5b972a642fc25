// What a transport's `error` event means for the client: the error to report, whether to retry.
// Shared by the broadcast connection and RPC streams; sits between the transport and both.
import { SseError, SseErrorCode } from '@ssekit/core';

/** `readyState` values, the same on every EventSource. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSED: 2 } as const;

/** An `error` event as FetchEventSource sends it: with the refused answer's status and error. */
export interface ErrorEventLike {
  readonly status?: number;
  readonly error?: unknown;
}

/**
 * A connection attempt that failed while the client keeps trying: `code` is `NETWORK_ERROR` (or the
 * transport's own code, such as `STALLED`), `attempt` counts the failed attempts in a row (1, 2, …).
 */
export class SseConnectionError extends SseError {
  override readonly name = 'SseConnectionError';
  /** Failed connection attempts in a row, this one included; back to 0 once a connection opens. */
  declare readonly attempt: number;
  constructor(error: SseError, attempt: number) {
    super(error.code, `${error.message} (attempt ${attempt}, retrying)`, {
      cause: error.cause ?? error,
      status: error.status,
      event: error.event,
    });
    this.attempt = attempt;
  }
}

/** The error a transport's `error` event carries, or one made from its status. */
export function errorOf(
  event: unknown,
  fallback: string,
): { error: SseError; status: number | undefined } {
  const e = (event ?? {}) as ErrorEventLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (e.error instanceof SseError) return { error: e.error, status: e.error.status ?? status };
  if (status !== undefined) {
    return {
      error: new SseError(SseErrorCode.HTTP_ERROR, `${fallback}: HTTP ${status}`, {
        status,
        cause: e.error,
      }),
      status,
    };
  }
  return { error: new SseError(SseErrorCode.NETWORK_ERROR, fallback, { cause: e.error }), status };
}

/**
 * Whether a refused connection is worth retrying: a network failure, 408, 429 and 5xx (a server
 * restarting or over its connection limit, 503) are; any other 4xx is final.
 */
export function isRetryable(status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status === 408 || status === 429) return true;
  return status < 400 || status >= 500;
}
