// SseError, its stable codes and its JSON form (4xx bodies, `ssekit.error` events), with the
// conversions both ends use: any thrown value → SseError, and that JSON → SseError on a client.

/**
 * Stable error codes. They are part of the public API: clients branch on them, so a code is never
 * renamed and its meaning never changes. The README lists each with the HTTP status it travels with.
 */
export const SseErrorCode = {
  /** The request's query or body is malformed (repeated, oversized or unparsable parameters). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** An `events` filter, a per-event route or a `topic` named an event the contract does not have. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** The RPC stream named in the URL is not in the contract. */
  UNKNOWN_STREAM: 'UNKNOWN_STREAM',
  /** An RPC stream's input failed its schema, or was not JSON. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** The request body or a parameter passed its size bound. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** `authorize` refused: no credentials, or credentials that were not accepted. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** `authorize` refused: the caller is known but may not see this. */
  FORBIDDEN: 'FORBIDDEN',
  /** `maxConnections` (or the per-IP bound) was reached; retry after the `Retry-After` delay. */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** The server is shutting down. */
  SERVER_CLOSING: 'SERVER_CLOSING',
  /** The caller sent too many requests of one kind (an app's own rate limit); retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Data did not match its schema: on publish, on an RPC yield, or on arrival at a client. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** An event's `data` was not valid JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** The contract itself is invalid (a bad event name, a value that is not a zod schema). */
  INVALID_CONTRACT: 'INVALID_CONTRACT',
  /** A wire field (id, event name, retry) would break the SSE framing: CR, LF or NUL, or a bad number. */
  INVALID_FIELD: 'INVALID_FIELD',
  /**
   * An event passed its size bound: on `publish` or an RPC yield (`maxEventBytes`, nothing is sent or
   * logged), or in a client's stream parser (the event or line is dropped).
   */
  EVENT_TOO_LARGE: 'EVENT_TOO_LARGE',
  /** A client could not reach the server, or the connection broke. */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** The server answered a connect with a status other than 200; the body is attached. */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The server answered 200 with a Content-Type other than `text/event-stream`. */
  BAD_CONTENT_TYPE: 'BAD_CONTENT_TYPE',
  /** A connection sent no byte, heartbeats included, for longer than the stall timeout. */
  STALLED: 'STALLED',
  /** An RPC stream's handler failed; details stay on the server. */
  STREAM_FAILED: 'STREAM_FAILED',
  /** Anything unexpected. Its message is generic on the wire: the cause stays on the server. */
  INTERNAL: 'INTERNAL',
} as const;

export type SseErrorCode = (typeof SseErrorCode)[keyof typeof SseErrorCode];

/** One validation problem, in a shape that survives JSON (zod's issues reduced to what a client needs). */
export interface SseIssue {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The JSON form of every ssekit error, as sent in 4xx bodies and `ssekit.error` events. */
export interface SseErrorJson {
  code: SseErrorCode;
  message: string;
  issues?: SseIssue[];
  event?: string;
  status?: number;
}

export interface SseErrorOptions {
  cause?: unknown;
  /** HTTP status to answer with when the error happens before a stream starts. */
  status?: number;
  issues?: readonly SseIssue[];
  /** The event (or stream) name the error concerns. */
  event?: string;
  /** Whether the message may be shown to a client. Codes other than `INTERNAL` default to true. */
  expose?: boolean;
}

/**
 * The one error class of ssekit: a stable `code`, an optional HTTP `status`, `issues` for validation
 * failures, and `toJSON()` for the wire.
 *
 * @example
 * ```ts
 * throw new SseError('FORBIDDEN', 'this account may not read AAPL', { status: 403 });
 * ```
 */
export class SseError extends Error {
  override readonly name: string = 'SseError';
  // `declare`: set by the constructor alone, so no field definitions are emitted for them (this class
  // ships in every browser bundle of a client).
  declare readonly code: SseErrorCode;
  declare readonly status: number | undefined;
  declare readonly issues: readonly SseIssue[] | undefined;
  declare readonly event: string | undefined;
  /** Whether `message` may reach a client. Unknown errors never expose their message. */
  declare readonly expose: boolean;

  constructor(code: SseErrorCode, message: string, options: SseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.issues = options.issues;
    this.event = options.event;
    this.expose = options.expose ?? code !== SseErrorCode.INTERNAL;
  }

  toJSON(): SseErrorJson {
    const json: SseErrorJson = {
      code: this.code,
      message: this.expose ? this.message : 'Internal error',
    };
    if (this.issues) json.issues = [...this.issues];
    if (this.event !== undefined) json.event = this.event;
    if (this.status !== undefined) json.status = this.status;
    return json;
  }
}

/** Data failed its zod schema. Thrown by `publish`, and reported by clients through `onError`. */
export class SseValidationError extends SseError {
  override readonly name = 'SseValidationError';
  constructor(
    event: string,
    issues: readonly SseIssue[],
    options: { cause?: unknown; message?: string } = {},
  ) {
    super(
      SseErrorCode.VALIDATION_FAILED,
      options.message ?? `Invalid data for "${event}": ${formatIssues(issues)}`,
      { event, issues, cause: options.cause, status: 400 },
    );
  }
}

/** Render issues in one line, for messages: `price: expected number; at: invalid date`. */
export function formatIssues(issues: readonly SseIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Turn any thrown value into an `SseError`. An `SseError` passes through; anything else becomes
 * `INTERNAL` with a generic message, the original kept as `cause` for server-side logs only.
 */
export function toSseError(error: unknown): SseError {
  if (error instanceof SseError) return error;
  return new SseError(SseErrorCode.INTERNAL, 'Internal error', { cause: error, expose: false });
}

/** Whether a value is an `SseErrorJson` (as parsed from a 4xx body or an `ssekit.error` event). */
export function isSseErrorJson(value: unknown): value is SseErrorJson {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Rebuild an `SseError` on the client from its JSON form. Unknown codes become `INTERNAL`. */
export function fromSseErrorJson(
  json: SseErrorJson,
  options: { status?: number; cause?: unknown } = {},
): SseError {
  const known = Object.values(SseErrorCode) as string[];
  const code = known.includes(json.code) ? json.code : SseErrorCode.INTERNAL;
  // The JSON comes from the network: keep only well-formed issues, and bound every string, so that
  // a hostile server cannot make formatting throw or a message grow without end.
  const issues = Array.isArray(json.issues)
    ? json.issues
        .filter(
          (i): i is SseIssue =>
            typeof i === 'object' &&
            i !== null &&
            typeof i.message === 'string' &&
            typeof i.code === 'string' &&
            Array.isArray(i.path) &&
            i.path.every((k) => typeof k === 'string' || typeof k === 'number'),
        )
        .slice(0, 100)
        .map((i) => ({
          code: i.code.slice(0, 100),
          path: i.path.slice(0, 32),
          message: i.message.slice(0, 1000),
        }))
    : undefined;
  return new SseError(code, String(json.message).slice(0, 1000), {
    status: options.status ?? (typeof json.status === 'number' ? json.status : undefined),
    issues,
    event: typeof json.event === 'string' ? json.event.slice(0, 200) : undefined,
    cause: options.cause,
    expose: true,
  });
}
