// The broker's resume reads: the newest id, and the entries after a `Last-Event-ID` in XRANGE
// pages, each checked against its `prev`, so that a replay is exact or a reset, never a silent gap.
import type { BrokerEvent, ReadResult, ReadSinceOptions, ResetReason } from '@ssekit/server';
import type { CommandConnection } from './connection.js';
import { type RawEntry, toStoredEntry } from './entries.js';
import { checkLink, compareStreamIds, isStreamId, ZERO_ID } from './ids.js';

export interface ReadPageOptions {
  readonly key: string;
  /** Entries per XRANGE. */
  readonly pageSize: number;
  /**
   * The longest replay read in one call without a `limit`; an id with more entries after it is too
   * old, as it is for the memory broker.
   */
  readonly maxEvents: number;
}

/** The newest entry id of the stream, or `0-0` when it is empty or missing. */
export async function readLastId(connection: CommandConnection, key: string): Promise<string> {
  const newest = (await connection.run((c) =>
    c.xrevrange(key, '+', '-', 'COUNT', 1),
  )) as RawEntry[];
  return newest[0]?.[0] ?? ZERO_ID;
}

/**
 * Entries after `lastEventId`, oldest first, read in pages of `pageSize` up to the newest entry at
 * the time of the call (so appends made meanwhile cannot stretch it: they arrive through the tail).
 *
 * Every entry's `prev` must be the id before it, starting with `lastEventId` itself, so a replay is
 * exact or refused, never a silent gap:
 * - not a canonical stream id → `malformed`;
 * - newer than the newest entry → `unknown-epoch` (Redis lost the stream, or the id is not ours);
 * - the first entry after it names a newer `prev` (trimmed), or more than `maxEvents` entries
 *   follow it → `too-old`;
 * - the first entry after it names an older `prev` (the id never existed here) → `unknown-epoch`.
 *
 * With `limit`, it stops after that many events and says `more`: a page, read since the last id
 * of the page before (each page checks its links again, so paging changes nothing of the above).
 */
export async function readSince(
  connection: CommandConnection,
  lastEventId: string,
  options: ReadSinceOptions & ReadPageOptions,
): Promise<ReadResult> {
  const lastId = await readLastId(connection, options.key);
  const reset = (reason: ResetReason): ReadResult => ({ type: 'reset', reason, lastId });
  if (!isStreamId(lastEventId)) return reset('malformed');
  const order = compareStreamIds(lastEventId, lastId)!;
  if (order === 0) return { type: 'events', events: [] };
  if (order > 0) return reset('unknown-epoch');

  const events: BrokerEvent[] = [];
  const limit = options.limit;
  let after = lastEventId;
  let seen = 0;
  while (after !== lastId) {
    if (limit !== undefined && events.length >= limit)
      return { type: 'events', events, more: true };
    const count =
      limit === undefined
        ? Math.min(options.pageSize, options.maxEvents + 1 - seen)
        : Math.min(options.pageSize, limit - events.length);
    const page = (await connection.run((c) =>
      c.xrange(options.key, `(${after}`, lastId, 'COUNT', count),
    )) as RawEntry[];
    // Nothing up to an entry that was there a moment ago: it was trimmed, or the stream was lost.
    if (page.length === 0) return reset('too-old');
    for (const raw of page) {
      const entry = toStoredEntry(raw);
      const link = checkLink(after, entry.prev);
      if (link !== 'contiguous') return reset(link);
      if (entry.event) events.push(entry.event);
      after = entry.id;
    }
    seen += page.length;
    if (limit === undefined && seen > options.maxEvents) return reset('too-old');
  }
  return { type: 'events', events };
}
