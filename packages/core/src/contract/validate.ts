// An event's data checked against its schema both ways: `encodeData` (z.encode, then one line of
// JSON) for every sender, `decodeData` for every receiver, and zod's issues as `SseIssue`s.
// zod/v4/core, not zod: a browser bundle of a generated client must not pull in all of classic zod.
import {
  type $ZodIssue,
  type $ZodType,
  type ParseContextInternal,
  safeDecode,
  safeEncode,
} from 'zod/v4/core';
import { SseError, SseErrorCode, type SseIssue, SseValidationError } from '../errors.js';

/** Reduce zod's issues to the JSON-safe `SseIssue` shape. */
export function toSseIssues(issues: readonly $ZodIssue[]): SseIssue[] {
  return issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
    message: issue.message,
  }));
}

/**
 * The context each encode hands to `safeEncode`, fresh per call: the keys zod adds to its context on
 * the way, at the values they have when absent. zod copies its context with a spread plus one key, twice
 * or more per encode: `safeEncode` adds `direction` and `async`, and each schema with checks
 * (`z.iso.datetime()`, a `.min`, a `.refine`) adds `skipChecks: true` for the first pass of an encode.
 * On Node 20's V8 a spread that then adds a key the copy lacks takes a slow runtime path (about 1 µs per
 * copy, more than the `JSON.stringify` of a whole event); one that overwrites a key the copy has is a
 * plain clone. So every key is here already. Nothing changes for zod: `direction` is what `safeEncode`
 * sets, and `async: false` and a falsy `skipChecks` are what zod reads when the keys are absent. Fresh
 * per call, never one shared object: zod 4.1–4.3 write `direction` into the context they are given
 * (`Object.assign`), and per-parse state (`~memo`, for recursive schemas) goes on a context. Measured
 * in issue 18 on `{ symbol, price, at: isoDate() }`: 3.1–5.4 µs per encode and stringify before,
 * 1.2–1.3 µs after, as much as a bare `JSON.stringify` of the same object (its `Date` included).
 */
function encodeContext(): ParseContextInternal<$ZodIssue> {
  return { direction: 'backward', async: false, skipChecks: false };
}

/**
 * Encode a value with its schema (`z.encode`) and stringify it: the `data` of an SSE event. Any zod 4
 * schema works, classic or `zod/mini`; a failure's `cause` is the zod error (a `z.core.$ZodError`).
 *
 * @throws SseValidationError when the value does not match, naming `event`.
 */
export function encodeData(schema: $ZodType, value: unknown, event: string): string {
  const result = safeEncode(schema, value as never, encodeContext());
  if (!result.success)
    throw new SseValidationError(event, toSseIssues(result.error.issues), { cause: result.error });
  const json = JSON.stringify(result.data);
  // JSON.stringify gives undefined for undefined, functions and symbols: nothing that parses back.
  if (json === undefined) {
    throw new SseValidationError(event, [
      { code: 'custom', path: [], message: 'Value has no JSON form' },
    ]);
  }
  return json;
}

/** The result of decoding one event's data: a union tagged by `status`. */
export type DecodeResult<T = unknown> =
  | { status: 'ok'; value: T }
  | { status: 'error'; error: SseError };

/**
 * Parse one event's JSON `data` and decode it with its schema (`z.decode`). Never throws: bad JSON
 * and schema mismatches come back as errors with codes `INVALID_JSON` and `VALIDATION_FAILED`.
 */
export function decodeData<T = unknown>(
  schema: $ZodType | undefined,
  data: string,
  event: string,
): DecodeResult<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (cause) {
    return {
      status: 'error',
      error: new SseError(
        SseErrorCode.INVALID_JSON,
        `Event "${event}" carried data that is not JSON`,
        { event, cause },
      ),
    };
  }
  if (!schema) return { status: 'ok', value: parsed as T };
  const result = safeDecode(schema, parsed as never);
  if (!result.success) {
    return {
      status: 'error',
      error: new SseValidationError(event, toSseIssues(result.error.issues), {
        cause: result.error,
      }),
    };
  }
  return { status: 'ok', value: result.data as T };
}
