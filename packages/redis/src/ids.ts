// Redis stream entry ids as the broker's log uses them: the zero id, and how an entry links to the
// id before it (the gap check). Their shape and order are core's (`compareStreamIds`), the one rule
// for the broker and for clients.

import { compareStreamIds } from '@ssekit/core';

export { compareStreamIds, isStreamId, parseStreamId } from '@ssekit/core';

/** The id before every entry. `prev` of the first entry a stream ever held, and the id of an empty log. */
export const ZERO_ID = '0-0';

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
