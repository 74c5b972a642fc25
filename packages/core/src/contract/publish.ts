// The one publish rule: name, topic, schema and size checked, data encoded once. `sse.publish`, the
// Redis publisher and RPC yields all pass through here before anything reaches a log or a socket.
import { SseError, SseErrorCode } from '../errors.js';
import { DEFAULT_MAX_EVENT_BYTES, MAX_TOPIC_LENGTH, utf8Length } from '../wire/limits.js';
import { flatJson } from './fast-encode.js';
import type { AnyContract } from './types.js';
import { encodeData } from './validate.js';

/** A broadcast event checked and encoded for a log: what a broker appends. */
export interface EncodedEvent {
  readonly event: string;
  readonly topic: string | undefined;
  /** The encoded data (`z.encode`, then JSON), one line. */
  readonly data: string;
}

/** Options of `encodeBroadcast`. */
export interface EncodeBroadcastOptions {
  readonly topic?: string | undefined;
  /** @default DEFAULT_MAX_EVENT_BYTES (256 KiB) */
  readonly maxEventBytes?: number | undefined;
}

const FORBIDDEN_IN_TOPIC = /[\r\n\0]/;

/**
 * Check a topic: a string of 1 to `MAX_TOPIC_LENGTH` characters without CR, LF or NUL.
 * @throws SseError `INVALID_FIELD`
 */
export function checkTopic(topic: unknown): asserts topic is string {
  if (
    typeof topic !== 'string' ||
    topic.length === 0 ||
    topic.length > MAX_TOPIC_LENGTH ||
    FORBIDDEN_IN_TOPIC.test(topic)
  ) {
    throw new SseError(
      SseErrorCode.INVALID_FIELD,
      `A topic must be a string of 1 to ${MAX_TOPIC_LENGTH} characters without CR, LF or NUL`,
    );
  }
}

/**
 * Refuse an event whose encoded size passes `maxEventBytes`: a bigger event could not be delivered to
 * a connection whose buffer bound is smaller, and would close it on every attempt.
 * @throws SseError `EVENT_TOO_LARGE`
 */
export function checkEventSize(
  name: string,
  data: string,
  extraBytes: number,
  maxEventBytes: number = DEFAULT_MAX_EVENT_BYTES,
): void {
  // Three bytes per UTF-16 unit at most: short events skip the count.
  if ((data.length + extraBytes) * 3 <= maxEventBytes) return;
  const size = utf8Length(data) + extraBytes;
  if (size > maxEventBytes) {
    throw new SseError(
      SseErrorCode.EVENT_TOO_LARGE,
      `Event "${name}" is ${size} bytes encoded, over maxEventBytes (${maxEventBytes})`,
      { event: name },
    );
  }
}

/**
 * Validate and encode one broadcast event for a log: the event must be in the contract, the topic
 * well formed, the data valid for its schema (`z.encode`) and within `maxEventBytes`.
 *
 * @throws SseError `UNKNOWN_EVENT`, `INVALID_FIELD` (topic), `EVENT_TOO_LARGE`;
 * SseValidationError when the data does not match its schema. Nothing is appended in any case.
 * @example
 * ```ts
 * const entry = encodeBroadcast(contract, 'price', { symbol: 'AAPL', price: 1, at: new Date() }, { topic: 'AAPL' });
 * broker.append(entry);
 * ```
 */
export function encodeBroadcast(
  contract: AnyContract,
  name: string,
  data: unknown,
  options: EncodeBroadcastOptions = {},
): EncodedEvent {
  const schema = Object.hasOwn(contract.events, name) ? contract.events[name] : undefined;
  if (!schema) {
    throw new SseError(SseErrorCode.UNKNOWN_EVENT, `Unknown event ${JSON.stringify(name)}`, {
      event: name,
    });
  }
  const topic = options.topic;
  if (topic !== undefined) checkTopic(topic);
  const json = encodeData(schema, data, name);
  checkEventSize(
    name,
    json,
    name.length + (topic === undefined ? 0 : utf8Length(topic)),
    options.maxEventBytes,
  );
  // A log keeps it: one flat string, not the rope the compiled encoder joined.
  return { event: name, topic, data: flatJson(json) };
}
