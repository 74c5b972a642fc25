// An event's data checked against its schema both ways: `encodeData` (z.encode, then one line of
// JSON) for every sender, `decodeData` for every receiver, and the issues as `SseIssue`s.
// Decoding reads any schema through Standard Schema, so a client that decodes with plain validators
// bundles no zod for it; zod/v4/core, not zod, for encoding: never all of classic zod in a browser.
import { type $ZodIssue, type ParseContextInternal, safeEncode } from 'zod/v4/core';
import { SseError, SseErrorCode, type SseIssue, SseValidationError } from '../errors.js';
import { type FastEncoder, fastEncoder } from './fast-encode.js';
import { isPlainSchema, type Schema, type StandardIssue } from './schema.js';

/** Reduce zod's (or any Standard Schema's) issues to the JSON-safe `SseIssue` shape. */
export function toSseIssues(issues: readonly StandardIssue[]): SseIssue[] {
  return issues.map((issue) => ({
    code: issue.code ?? 'custom',
    path: (issue.path ?? []).map((segment) => {
      const key = typeof segment === 'object' ? segment.key : segment;
      return typeof key === 'symbol' ? String(key) : key;
    }),
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

/** What encoding a value gives: the wire value, or the issues (and zod's error as the cause). */
export type EncodeResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly value?: undefined; readonly issues: SseIssue[]; readonly cause?: unknown };

/**
 * Encode a value with its schema, without throwing: `z.encode` for zod, `~encode` for a plain
 * validator. What `encodeData` and a client's stream input both use.
 */
export function encodeValue(schema: Schema, value: unknown): EncodeResult {
  if (isPlainSchema(schema)) {
    const result = schema['~encode'](value);
    return result.issues ? { issues: toSseIssues(result.issues) } : { value: result.value };
  }
  const result = safeEncode(schema, value as never, encodeContext());
  return result.success
    ? { value: result.data }
    : { issues: toSseIssues(result.error.issues), cause: result.error };
}

/**
 * Encode a value with its schema (`z.encode`) and stringify it: the `data` of an SSE event. Any zod 4
 * schema works, classic or `zod/mini`, and so do the plain validators of `@ssekit/client/schema`; a
 * zod failure's `cause` is the zod error (a `z.core.$ZodError`). The common schemas are compiled on
 * first use into one pass that checks and writes the JSON (`fastEncoder`, the same bytes); zod
 * encodes the rest, and every value that pass does not accept.
 *
 * @throws SseValidationError when the value does not match, naming `event`.
 */
export function encodeData(schema: Schema, value: unknown, event: string): string {
  const fast = isPlainSchema(schema) ? null : fastEncoder(schema);
  if (fast !== null) {
    const json = fastJson(fast, value);
    if (json !== undefined) return json;
  }
  const result = encodeValue(schema, value);
  if (result.issues) throw new SseValidationError(event, result.issues, { cause: result.cause });
  const json = JSON.stringify(result.value);
  // JSON.stringify gives undefined for undefined, functions and symbols: nothing that parses back.
  if (json === undefined) {
    throw new SseValidationError(event, [
      { code: 'custom', path: [], message: 'Value has no JSON form' },
    ]);
  }
  return json;
}

/**
 * The compiled encoder's answer. A value it refuses, or that throws on the way (a getter), goes to zod:
 * zod's issues, or zod's own throw, are what the caller gets.
 */
function fastJson(fast: FastEncoder, value: unknown): string | undefined {
  try {
    return fast(value);
  } catch {
    return undefined;
  }
}

const ASYNC_ISSUE: SseIssue = {
  code: 'custom',
  path: [],
  message:
    'The schema did not decode synchronously: an async refinement or transform, or one that threw',
};

/** The result of decoding one event's data: a union tagged by `status`. */
export type DecodeResult<T = unknown> =
  | { status: 'ok'; value: T }
  | { status: 'error'; error: SseError };

/**
 * Parse one event's JSON `data` and decode it with its schema: `z.decode` for zod (through its
 * Standard Schema `validate`, which is zod's parse), the plain validator's own for the rest. Never
 * throws: bad JSON and schema mismatches come back as errors with codes `INVALID_JSON` and
 * `VALIDATION_FAILED`; so does a schema that only validates asynchronously (an async refinement).
 */
export function decodeData<T = unknown>(
  schema: Schema | undefined,
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
  const result = schema['~standard'].validate(parsed);
  if (result instanceof Promise) {
    // zod's `validate` answers with a promise for an async schema, and also when its synchronous
    // parse threw (a transform that throws): refused either way, never awaited.
    result.catch(() => {});
    return { status: 'error', error: new SseValidationError(event, [ASYNC_ISSUE]) };
  }
  if (result.issues) {
    return { status: 'error', error: new SseValidationError(event, toSseIssues(result.issues)) };
  }
  return { status: 'ok', value: result.value as T };
}
