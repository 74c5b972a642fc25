// ssekit's own event ids, `<epoch>-<seq>`: parse, format, order within an epoch, new epochs. The
// memory broker numbers its log with them and reads a client's `Last-Event-ID` back through them.
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
