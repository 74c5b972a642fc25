// How one event is stored as a stream entry: the append script (XADD with `prev`, trimming, and the
// producer's dedupe record), the call that sends it, and reading an entry's fields back.
import { createHash } from 'node:crypto';
import type { BrokerEntry, BrokerEvent } from '@ssekit/server';
import type { Redis } from 'ioredis';
import { ZERO_ID } from './ids.js';

/**
 * Appends one entry with the fields `prev`, `event`, `topic` (only when there is one) and `data`,
 * and trims the stream, atomically, at most once per (producer, seq). Returns the new entry's id.
 *
 * `prev` is the id of the entry just before this one (`0-0` for the first entry of a new stream).
 * It makes every gap visible: when the first entry after an id `X` does not name `X` as its `prev`,
 * something between them is gone, trimmed or lost with a Redis restart. Plain XADD cannot say
 * whether an id just before the oldest entry is the last trimmed one or an older one; `prev` can.
 *
 * Idempotence and order, through the producer's record (a hash `seq → id` next to the stream):
 * - a `seq` already in the record was executed before (a resend after a broken connection): the
 *   script answers the id it stored then, and stores nothing (`''`: it was abandoned, see probe);
 * - `after` is the seq of the producer's previous append that was still unanswered when this one
 *   was sent; when the record does not have it, that one failed (NOSCRIPT, a dead socket) and this
 *   one must not overtake it: `SSEKIT_ORDER`, nothing stored, and the pipeline resends both in order;
 * - mode `probe` settles a seq whose caller was already answered `UNCERTAIN`: the stored id when it
 *   was stored, otherwise `''` is recorded so that a late copy can never be stored after it.
 * The record keeps the last `window` seqs (the pipeline never has more unanswered) and expires
 * `ttlMs` after the producer's last append, so a process that is gone leaves nothing behind for long.
 *
 * The age bound uses the new entry's own time (the ms part of its id, from Redis's clock), so app
 * servers with skewed clocks trim alike. `~` lets Redis trim whole radix-tree nodes only: cheap,
 * and the stream keeps at least the bound. XADD takes one of MAXLEN and MINID, hence the XTRIM.
 *
 * KEYS[1] stream, KEYS[2] producer record; ARGV mode, seq, after ('0' for none), window, ttlMs,
 * maxEvents, maxAgeMs ('' for none), event, data, topic (absent for none).
 */
export const APPEND_SCRIPT = `
local seen = redis.call('HGET', KEYS[2], ARGV[2])
if seen then return seen end
if ARGV[1] == 'probe' then
  redis.call('HSET', KEYS[2], ARGV[2], '')
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
  return ''
end
if ARGV[3] ~= '0' and redis.call('HEXISTS', KEYS[2], ARGV[3]) == 0 then
  return redis.error_reply('SSEKIT_ORDER the append sent before this one is not stored')
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '${ZERO_ID}'
if last[1] then prev = last[1][1] end
local id
if ARGV[10] then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[6], '*', 'prev', prev, 'event', ARGV[8], 'topic', ARGV[10], 'data', ARGV[9])
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[6], '*', 'prev', prev, 'event', ARGV[8], 'data', ARGV[9])
end
if ARGV[7] ~= '' then
  local minMs = tonumber(string.match(id, '^(%d+)-')) - tonumber(ARGV[7])
  if minMs > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', minMs)) end
end
redis.call('HSET', KEYS[2], ARGV[2], id)
local old = tonumber(ARGV[2]) - tonumber(ARGV[4])
if old > 0 then redis.call('HDEL', KEYS[2], string.format('%.0f', old)) end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return id
`;

/** SHA1 of `APPEND_SCRIPT`, for EVALSHA. */
export const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/** The bounds `appendEntry` trims to. */
export interface TrimBounds {
  readonly maxEvents: number;
  readonly maxAgeMs: number | null;
}

/** One attempt of an append: who sends it, in which place of the producer's order. */
export interface AppendAttempt {
  readonly mode: 'append' | 'probe';
  /** The producer's record key. */
  readonly recordKey: string;
  readonly seq: number;
  /** The previous unanswered seq of the same producer, or 0. */
  readonly after: number;
  readonly window: number;
  readonly ttlMs: number;
  /** Send the script's text (EVAL) instead of its SHA (EVALSHA). */
  readonly withSource: boolean;
}

/**
 * Write one attempt of the append script: EVALSHA (or EVAL). The answer is the entry id, `''` for a
 * seq that was abandoned, or an error (`NOSCRIPT`, `SSEKIT_ORDER`, anything Redis refuses).
 */
export function sendAppend(
  client: Redis,
  key: string,
  entry: BrokerEntry,
  bounds: TrimBounds,
  attempt: AppendAttempt,
): Promise<unknown> {
  const args: (string | number)[] = [
    attempt.mode,
    attempt.seq,
    attempt.after,
    attempt.window,
    attempt.ttlMs,
    bounds.maxEvents,
    bounds.maxAgeMs ?? '',
    entry.event,
    entry.data,
  ];
  if (entry.topic !== undefined) args.push(entry.topic);
  return attempt.withSource
    ? client.eval(APPEND_SCRIPT, 2, key, attempt.recordKey, ...args)
    : client.evalsha(APPEND_SHA, 2, key, attempt.recordKey, ...args);
}

/** A stream entry as ioredis returns it from XRANGE, XREVRANGE and XREAD. */
export type RawEntry = [id: string, fields: string[]];

/** One entry read back: the event it carries (`undefined` when its fields are not ours) and its `prev`. */
export interface StoredEntry {
  readonly id: string;
  readonly prev: string | undefined;
  readonly event: BrokerEvent | undefined;
}

/** Read one raw entry's fields. */
export function toStoredEntry([id, fields]: RawEntry): StoredEntry {
  let prev: string | undefined;
  let event: string | undefined;
  let topic: string | undefined;
  let data: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1];
    switch (fields[i]) {
      case 'prev':
        prev = value;
        break;
      case 'event':
        event = value;
        break;
      case 'topic':
        topic = value;
        break;
      case 'data':
        data = value;
        break;
    }
  }
  const brokerEvent =
    event !== undefined && data !== undefined ? { id, event, topic, data } : undefined;
  return { id, prev, event: brokerEvent };
}
