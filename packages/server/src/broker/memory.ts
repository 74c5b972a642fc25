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
  readonly #idPrefix: string;
  // The log is a ring: `#count` events from slot `#start` on, the newest with seq `#seq`, and their
  // append times unboxed beside them. It grows by doubling up to `maxEvents` slots and is then
  // overwritten in place: no entry object, no boxed time, no copy of the array once full, so an
  // event kept costs the collector its own objects only (see apps/bench/README.md, issue 18).
  #events: (BrokerEvent | undefined)[] = [];
  #times = new Float64Array(0);
  #start = 0;
  #count = 0;
  #seq = 0;
  readonly #listeners = new Set<(events: readonly BrokerEvent[]) => void>();

  constructor(options: MemoryBrokerOptions = {}) {
    this.epoch = options.epoch ?? createEpoch();
    // Checked once here, so that append can build ids by concatenation on the hot path.
    formatEventId(this.epoch, 0);
    this.#idPrefix = `${this.epoch}-`;
    this.#maxEvents = Math.max(0, options.maxEvents ?? 10_000);
    this.#maxAgeMs = options.maxAgeMs === undefined ? 300_000 : options.maxAgeMs;
  }

  append(entry: BrokerEntry): string {
    this.#seq += 1;
    const id = this.#idPrefix + this.#seq;
    const event: BrokerEvent = { id, event: entry.event, topic: entry.topic, data: entry.data };
    const now = Date.now();
    if (this.#maxEvents > 0) this.#keep(event, now);
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
    const firstSeq = this.#seq - this.#count + 1;
    if (parsed.seq < firstSeq - 1) return { type: 'reset', reason: 'too-old', lastId };
    // Events after `parsed.seq`: the kept ones from this offset on.
    const from = parsed.seq - firstSeq + 1;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const to = Math.min(this.#count, from + limit);
    const capacity = this.#events.length;
    const events: BrokerEvent[] = [];
    for (let i = from; i < to; i++) events.push(this.#events[(this.#start + i) % capacity]!);
    return { type: 'events', events, more: to < this.#count };
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
    return this.#count;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#events = [];
    this.#times = new Float64Array(0);
    this.#start = 0;
    this.#count = 0;
  }

  /** Keep `event` as the newest: in a free slot, else (at `maxEvents`) in the oldest one's. */
  #keep(event: BrokerEvent, now: number): void {
    let capacity = this.#events.length;
    if (this.#count === this.#maxEvents) {
      this.#events[this.#start] = event;
      this.#times[this.#start] = now;
      this.#start = (this.#start + 1) % capacity;
      return;
    }
    if (this.#count === capacity) capacity = this.#grow();
    const slot = (this.#start + this.#count) % capacity;
    this.#events[slot] = event;
    this.#times[slot] = now;
    this.#count += 1;
  }

  /** Double the ring (at most to `maxEvents` slots), its events in order from slot 0. */
  #grow(): number {
    const old = this.#events;
    const capacity = Math.min(this.#maxEvents, Math.max(16, old.length * 2));
    const events: (BrokerEvent | undefined)[] = new Array(capacity).fill(undefined);
    const times = new Float64Array(capacity);
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#start + i) % old.length;
      events[i] = old[from];
      times[i] = this.#times[from]!;
    }
    this.#events = events;
    this.#times = times;
    this.#start = 0;
    return capacity;
  }

  /** Drop the events older than `maxAgeMs` (the count bound holds by construction). */
  #trim(now: number): void {
    if (this.#maxAgeMs === null || this.#count === 0) return;
    const oldest = now - this.#maxAgeMs;
    const capacity = this.#events.length;
    while (this.#count > 0 && this.#times[this.#start]! < oldest) {
      this.#events[this.#start] = undefined;
      this.#start = (this.#start + 1) % capacity;
      this.#count -= 1;
    }
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
