// `RedisBrokerError` and its stable codes. From the code, the caller of a failed append knows
// whether Redis may have stored it, and so whether publishing it again could make a duplicate.

/**
 * Stable codes of `RedisBrokerError`. What each says about an append is part of the API: callers
 * decide from the code whether to retry.
 */
export const RedisBrokerErrorCode = {
  /**
   * Not executed by Redis within `commandTimeoutMs` of the call: never written (Redis unreachable),
   * or refused unexecuted (`NOSCRIPT`) and not resent in time. An append is certainly not stored.
   */
  TIMEOUT: 'TIMEOUT',
  /**
   * Written to a connection that died before Redis answered (a crash, `CLIENT KILL`, or a connection
   * silent for `commandTimeoutMs`), and not resent in time (or `retryUncertain: false`). An append
   * may be stored, at most once; publishing it again makes a new event.
   */
  UNCERTAIN: 'UNCERTAIN',
  /** Redis answered with an error (a key of the wrong type, out of memory…). */
  REDIS_ERROR: 'REDIS_ERROR',
  /** The broker was closed, or its connection ended for good, before the command was sent. */
  CLOSED: 'CLOSED',
  /** An option has a value the broker cannot work with. */
  INVALID_OPTION: 'INVALID_OPTION',
} as const;

export type RedisBrokerErrorCode = (typeof RedisBrokerErrorCode)[keyof typeof RedisBrokerErrorCode];

/** The JSON form of a `RedisBrokerError`, for logs. */
export interface RedisBrokerErrorJson {
  code: RedisBrokerErrorCode;
  message: string;
}

/**
 * The one error class of `@ssekit/redis`: a stable `code` and the underlying error as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await broker.append(entry);
 * } catch (error) {
 *   if (error instanceof RedisBrokerError && error.code === 'TIMEOUT') retryLater(entry); // surely not stored
 * }
 * ```
 */
export class RedisBrokerError extends Error {
  override readonly name = 'RedisBrokerError';
  readonly code: RedisBrokerErrorCode;

  constructor(code: RedisBrokerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  toJSON(): RedisBrokerErrorJson {
    return { code: this.code, message: this.message };
  }
}
