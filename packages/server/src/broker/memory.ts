// The in-memory broker, the embedded default: one process's bounded replay log (count and age), ids
// `<epoch>-<seq>` from core's wire/ids.ts, and live delivery to the hub's subscribers.
import { createEpoch, formatEventId, parseEventId } from '@ssekit/core';
import type { Broker, BrokerEntry, BrokerEvent, ReadResult, ReadSinceOptions } from './types.js';

export interface MemoryBrokerOptions {
  /**
   * Events kept for replay. Older ones are dropped; a client that asks for them gets `ssekit.reset`.
   * @default 10_000
   */
  maxEvents?: number;
  /**
   * Age after which events are dropped from the replay log, in milliseconds. `null` keeps them until
   * `maxEvents` pushes them out.
   * @default 300_000 (5 minutes)
   */
  maxAgeMs?: number | null;
  /** The epoch of this log's ids. A new one per process start, so old ids are recognised. @default createEpoch() */
  epoch?: string;
}

interface LogEntry {
  readonly event: BrokerEvent;
  readonly seq: number;
  readonly at: number;
}

/**
 * The embedded default broker: one process, a bounded replay log in memory, ids `<epoch>-<seq>`.
 * A restarted process gets a new epoch, so clients that resume with an old id get `ssekit.reset`.
 *
 * @example
 * ```ts
 * const sse = createSseServer(contract, { broker: memoryBroker({ maxEvents: 50_000, maxAgeMs: 60_000 }) });
 * ```
 */
export class MemoryBroker implements Broker<string> {
  readonly epoch: string;
  readonly #maxEvents: number;
  readonly #maxAgeMs: number | null;
  // A queue as an array plus a head index: shift() on a large array is O(n).
  #log: LogEntry[] = [];
  #head = 0;
  #seq = 0;
  readonly #listeners = new Set<(events: readonly BrokerEvent[]) => void>();

  constructor(options: MemoryBrokerOptions = {}) {
    this.epoch = options.epoch ?? createEpoch();
    // Checked once here, so that append can build ids by concatenation on the hot path.
    formatEventId(this.epoch, 0);
    this.#maxEvents = Math.max(0, options.maxEvents ?? 10_000);
    this.#maxAgeMs = options.maxAgeMs === undefined ? 300_000 : options.maxAgeMs;
  }

  append(entry: BrokerEntry): string {
    this.#seq += 1;
    const id = `${this.epoch}-${this.#seq}`;
    const event: BrokerEvent = { id, event: entry.event, topic: entry.topic, data: entry.data };
    const now = Date.now();
    if (this.#maxEvents > 0) this.#log.push({ event, seq: this.#seq, at: now });
    this.#trim(now);
    const batch = [event];
    for (const listener of this.#listeners) listener(batch);
    return id;
  }

  readSince(lastEventId: string, options: ReadSinceOptions = {}): ReadResult {
    this.#trim(Date.now());
    const lastId = this.lastId();
    const parsed = parseEventId(lastEventId);
    if (!parsed) return { type: 'reset', reason: 'malformed', lastId };
    if (parsed.epoch !== this.epoch) return { type: 'reset', reason: 'unknown-epoch', lastId };
    // An id from the future of this epoch was not issued by this log.
    if (parsed.seq > this.#seq) return { type: 'reset', reason: 'malformed', lastId };
    const first = this.#log[this.#head];
    const firstSeq = first ? first.seq : this.#seq + 1;
    if (parsed.seq < firstSeq - 1) return { type: 'reset', reason: 'too-old', lastId };
    const start = this.#head + (parsed.seq - firstSeq + 1);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const end = Math.min(this.#log.length, start + limit);
    const events: BrokerEvent[] = [];
    for (let i = start; i < end; i++) events.push(this.#log[i]!.event);
    return { type: 'events', events, more: end < this.#log.length };
  }

  lastId(): string {
    return formatEventId(this.epoch, this.#seq);
  }

  subscribe(listener: (events: readonly BrokerEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  compare(a: string, b: string): number | undefined {
    // The hot case, two ids of this log: compare the sequence numbers without a regex.
    const prefix = this.epoch.length + 1;
    if (
      a.length > prefix &&
      b.length > prefix &&
      a.charCodeAt(prefix - 1) === 45 &&
      b.charCodeAt(prefix - 1) === 45 &&
      a.startsWith(this.epoch) &&
      b.startsWith(this.epoch)
    ) {
      const x = digits(a, prefix);
      const y = digits(b, prefix);
      if (x !== undefined && y !== undefined) return x - y;
    }
    const x = parseEventId(a);
    const y = parseEventId(b);
    if (!x || !y || x.epoch !== y.epoch) return undefined;
    return x.seq - y.seq;
  }

  /** Events currently kept for replay. */
  get size(): number {
    return this.#log.length - this.#head;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#log = [];
    this.#head = 0;
  }

  #trim(now: number): void {
    let head = this.#head;
    const log = this.#log;
    while (log.length - head > this.#maxEvents) head++;
    if (this.#maxAgeMs !== null) {
      const oldest = now - this.#maxAgeMs;
      while (head < log.length && log[head]!.at < oldest) head++;
    }
    // Compact once the dead prefix is as long as the live part: amortised O(1) per event.
    if (head > 1024 && head * 2 > log.length) {
      this.#log = log.slice(head);
      head = 0;
    }
    this.#head = head;
  }
}

/** The decimal number that `id` holds from `start` on, or undefined when it is not all digits. */
function digits(id: string, start: number): number | undefined {
  let value = 0;
  for (let i = start; i < id.length; i++) {
    const code = id.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return undefined;
    value = value * 10 + code;
  }
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Create the in-memory broker. See `MemoryBroker`. */
export function memoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  return new MemoryBroker(options);
}
