// The event ids on the wire and their order: ssekit's own `<epoch>-<seq>` (the memory broker numbers
// its log with them), Redis stream ids `<ms>-<seq>` (the Redis broker's), and `compareWireIds`, the
// one order of two ids a client has seen, whichever broker made them.
import { SseError, SseErrorCode } from '../errors.js';

/** An event id of ssekit's own logs: `<epoch>-<seq>`. The epoch names one log; seq grows by 1 per event. */
export interface EventId {
  readonly epoch: string;
  readonly seq: number;
}

/** Ids longer than this are refused before any parsing: a header is not a place for a novel. */
export const MAX_EVENT_ID_LENGTH = 64;

const EVENT_ID = /^([0-9a-z]{1,24})-(0|[1-9][0-9]{0,15})$/;

/**
 * Parse an id of the form `<epoch>-<seq>`. Anything else (too long, wrong shape, a seq past
 * `Number.MAX_SAFE_INTEGER`) gives `undefined`: a malformed id from a client is an ordinary input,
 * never an exception deep inside the server.
 *
 * @example
 * ```ts
 * parseEventId('k3f9a2-41'); // { epoch: 'k3f9a2', seq: 41 }
 * parseEventId('nope');      // undefined
 * ```
 */
export function parseEventId(id: string): EventId | undefined {
  if (id.length > MAX_EVENT_ID_LENGTH) return undefined;
  const match = EVENT_ID.exec(id);
  if (!match) return undefined;
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(seq)) return undefined;
  return { epoch: match[1]!, seq };
}

/** Format an id. Throws `INVALID_FIELD` when the epoch or seq would not parse back. */
export function formatEventId(epoch: string, seq: number): string {
  const id = `${epoch}-${seq}`;
  if (!parseEventId(id) || parseEventId(id)?.seq !== seq) {
    throw new SseError(SseErrorCode.INVALID_FIELD, `Not a valid event id: ${JSON.stringify(id)}`);
  }
  return id;
}

/**
 * Order two ids of the same epoch: negative when `a` is older. Ids of different epochs have no
 * order (they come from different logs), and the answer is `undefined`.
 */
export function compareEventIds(a: EventId, b: EventId): number | undefined {
  if (a.epoch !== b.epoch) return undefined;
  return a.seq - b.seq;
}

/**
 * A new epoch: base-36 milliseconds plus random characters, so that two logs started in the same
 * millisecond (two processes, a fast restart) still differ.
 */
export function createEpoch(): string {
  const random = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${Date.now().toString(36)}${random}`;
}

// Canonical form only (no leading zeros, no `+`): the ids the Redis broker hands out are canonical,
// and its gap check compares ids as strings, so `007-1` must not pass for `7-1`.
const STREAM_ID = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,19})$/;
const U64_MAX = '18446744073709551615';

function fitsU64(digits: string): boolean {
  return digits.length < 20 || digits <= U64_MAX;
}

/**
 * The two halves of a canonical Redis stream id (`<ms>-<seq>`, two unsigned 64-bit integers in
 * decimal), as decimal strings; `undefined` when `id` is not one.
 * @see https://redis.io/docs/latest/develop/data-types/streams/#entry-ids
 */
export function parseStreamId(
  id: string,
): { readonly ms: string; readonly seq: string } | undefined {
  const match = STREAM_ID.exec(id);
  if (!match) return undefined;
  const ms = match[1]!;
  const seq = match[2]!;
  return fitsU64(ms) && fitsU64(seq) ? { ms, seq } : undefined;
}

/** Whether `id` is a canonical stream id. */
export function isStreamId(id: string): boolean {
  return parseStreamId(id) !== undefined;
}

/**
 * Order two stream ids: negative when `a` is older, 0 when equal, positive when newer, and
 * `undefined` when either is not a canonical stream id.
 *
 * @example
 * ```ts
 * compareStreamIds('1700000000000-9', '1700000000001-0'); // -1
 * ```
 */
export function compareStreamIds(a: string, b: string): number | undefined {
  return isStreamId(a) && isStreamId(b) ? compareWireIds(a, b) : undefined;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

// Canonical decimals compare by length first, then digit by digit: no BigInt on the hot path.
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order of two event ids as a client receives them, without knowing the server's broker, and
 * the one rule of id order: `<prefix>-<n>` ids (ssekit's own `<epoch>-<seq>`, or a custom broker's
 * of that shape) by `n` within one prefix; Redis stream ids `<ms>-<seq>` by time, then sequence.
 * `undefined` when they have no order (two epochs, two kinds). Decimals of any length, exactly.
 */
export function compareWireIds(a: string, b: string): number | undefined {
  const i = a.lastIndexOf('-');
  const j = b.lastIndexOf('-');
  if (i <= 0 || j <= 0) return undefined;
  const na = a.slice(i + 1);
  const nb = b.slice(j + 1);
  if (!DECIMAL.test(na) || !DECIMAL.test(nb)) return undefined;
  const pa = a.slice(0, i);
  const pb = b.slice(0, j);
  if (pa === pb) return compareDecimal(na, nb);
  if (DECIMAL.test(pa) && DECIMAL.test(pb)) return compareDecimal(pa, pb) || compareDecimal(na, nb);
  return undefined;
}
