import { createHash } from 'node:crypto';
import type { BrokerEntry, BrokerEvent } from '@ssekit/server';
import type { Redis } from 'ioredis';
import { isReplyError } from './connection.js';
import { ZERO_ID } from './ids.js';

/**
 * Appends one entry with the fields `prev`, `event`, `topic` (only when there is one) and `data`,
 * and trims the stream, atomically. Returns the new entry's id.
 *
 * `prev` is the id of the entry just before this one (`0-0` for the first entry of a new stream).
 * It makes every gap visible: when the first entry after an id `X` does not name `X` as its `prev`,
 * something between them is gone, trimmed or lost with a Redis restart. Plain XADD cannot say
 * whether an id just before the oldest entry is the last trimmed one or an older one; `prev` can.
 *
 * The age bound uses the new entry's own time (the ms part of its id, from Redis's clock), so app
 * servers with skewed clocks trim alike. `~` lets Redis trim whole radix-tree nodes only: cheap,
 * and the stream keeps at least the bound. XADD takes one of MAXLEN and MINID, hence the XTRIM.
 *
 * KEYS[1] stream; ARGV maxEvents, maxAgeMs ('' for none), event, data, topic (absent for none).
 */
const APPEND_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '${ZERO_ID}'
if last[1] then prev = last[1][1] end
local id
if ARGV[5] then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'prev', prev, 'event', ARGV[3], 'topic', ARGV[5], 'data', ARGV[4])
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'prev', prev, 'event', ARGV[3], 'data', ARGV[4])
end
if ARGV[2] ~= '' then
  local minMs = tonumber(string.match(id, '^(%d+)-')) - tonumber(ARGV[2])
  if minMs > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%.0f', minMs)) end
end
return id
`;

const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/** The bounds `appendEntry` trims to. */
export interface TrimBounds {
  readonly maxEvents: number;
  readonly maxAgeMs: number | null;
}

/** Run the append script: EVALSHA, and EVAL when Redis does not have it cached (after a restart). */
export async function appendEntry(
  client: Redis,
  key: string,
  entry: BrokerEntry,
  bounds: TrimBounds,
): Promise<string> {
  const args: (string | number)[] = [
    bounds.maxEvents,
    bounds.maxAgeMs ?? '',
    entry.event,
    entry.data,
  ];
  if (entry.topic !== undefined) args.push(entry.topic);
  try {
    return String(await client.evalsha(APPEND_SHA, 1, key, ...args));
  } catch (error) {
    // NOSCRIPT means nothing ran, so sending the script itself cannot store the event twice.
    if (!isReplyError(error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return String(await client.eval(APPEND_SCRIPT, 1, key, ...args));
  }
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
