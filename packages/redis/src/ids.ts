/**
 * Redis stream entry ids, `<ms>-<seq>`: two unsigned 64-bit integers in decimal.
 * @see https://redis.io/docs/latest/develop/data-types/streams/#entry-ids
 */

/** The id before every entry. `prev` of the first entry a stream ever held, and the id of an empty log. */
export const ZERO_ID = '0-0';

// Canonical form only (no leading zeros, no `+`): the ids this broker hands out are canonical, and the
// gap check compares ids as strings, so `007-1` must not pass for `7-1`.
const STREAM_ID = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,19})$/;
const U64_MAX = '18446744073709551615';

function fitsU64(digits: string): boolean {
  return digits.length < 20 || digits <= U64_MAX;
}

/** The two halves of a canonical stream id, as decimal strings; `undefined` when `id` is not one. */
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

// Canonical decimals compare by length first, then digit by digit: no BigInt on the hot path.
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
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
  const x = parseStreamId(a);
  const y = parseStreamId(b);
  if (!x || !y) return undefined;
  return compareDecimal(x.ms, y.ms) || compareDecimal(x.seq, y.seq);
}

/**
 * How an entry links to the id expected before it, through the `prev` field the broker writes:
 * - `contiguous`: `prev` is that id, so nothing is missing between them;
 * - `too-old`: `prev` is newer, so entries after the expected id existed and were trimmed;
 * - `unknown-epoch`: `prev` is older, so the expected id was never in this stream (a stream that
 *   Redis lost and started again, or an id from elsewhere).
 *
 * An entry without a canonical `prev` was not written by this broker: nothing can be checked, and it
 * counts as contiguous. The stream key belongs to the broker; other writers break the gap check.
 */
export type Link = 'contiguous' | 'too-old' | 'unknown-epoch';

/** See `Link`. */
export function checkLink(expected: string, prev: string | undefined): Link {
  if (prev === undefined || prev === expected) return 'contiguous';
  const order = compareStreamIds(prev, expected);
  if (order === undefined) return 'contiguous';
  return order > 0 ? 'too-old' : 'unknown-epoch';
}
