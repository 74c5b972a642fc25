// One open broadcast connection: the sink it writes to, its filter and access predicate, its replay
// cursor, and the accounting of what it has not sent yet. The hub decides what goes into it.
import { Buffer } from 'node:buffer';
import type { ReplayCursor } from '../resume/cursor.js';
import type { SubscriptionFilter } from './filter.js';
import type { SseSink } from './sink.js';

/**
 * A per-connection access check from `authorize`, over each event's name and topic. Its answer may
 * depend on those two alone: in each batch the hub writes, it is asked once per distinct name and
 * topic, not once per event (a tick of 100 events over 4 topics asks it 4 times).
 */
export type EventPredicate = (event: string, topic: string | undefined) => boolean;

/**
 * Where a connection is, a union tagged by `type`: replaying the log page by page, live (in a group
 * that shares one buffer per tick, or on its own while it has a predicate or may still see events
 * its replay held), or closed.
 */
export type ConnectionState =
  | { readonly type: 'replaying' }
  | { readonly type: 'live' }
  | { readonly type: 'closed' };

/** One open broadcast stream: the sink it writes to, its filter, and its write accounting. */
export class SseConnection {
  /** Where its bytes go: a Node response or a `ReadableStream`, through the adapter's sink. */
  readonly sink: SseSink;
  readonly filter: SubscriptionFilter;
  readonly predicate: EventPredicate | undefined;
  /** The principal `authorize` granted, for `sse.disconnect`. */
  readonly principal: unknown;
  readonly ip: string;
  state: ConnectionState = { type: 'replaying' };
  /** Its position in the log while it replays, and until live events can no longer repeat the replay. */
  cursor: ReplayCursor | undefined;
  /** When the last byte was written, for heartbeats. */
  lastWriteAt = Date.now();

  constructor(options: {
    sink: SseSink;
    filter: SubscriptionFilter;
    predicate: EventPredicate | undefined;
    principal?: unknown;
    ip: string;
  }) {
    this.sink = options.sink;
    this.filter = options.filter;
    this.predicate = options.predicate;
    this.principal = options.principal;
    this.ip = options.ip;
  }

  /** The group key: equal filters share buffers, except when a predicate makes the connection unique. */
  get groupKey(): string {
    return this.predicate ? '' : this.filter.key;
  }

  /** Bytes accepted by `write` but not yet taken by the transport (see `SseSink.bufferedBytes`). */
  get bufferedBytes(): number {
    return this.sink.bufferedBytes;
  }

  /** Whether more than `limit` bytes wait to be sent; cheap enough for every connection every tick. */
  holdsMoreThan(limit: number): boolean {
    return this.sink.holdsMoreThan(limit);
  }

  get writable(): boolean {
    return this.state.type !== 'closed' && this.sink.writable;
  }

  /** Write one chunk. Returns the bytes written (0 when the connection is gone). */
  write(chunk: string | Uint8Array, now: number = Date.now()): number {
    if (this.state.type === 'closed' || !this.sink.write(chunk)) return 0;
    this.lastWriteAt = now;
    return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  }

  /** Resolves once at most `highWaterBytes` are unsent, or the connection is gone. */
  drained(highWaterBytes: number): Promise<void> {
    if (!this.writable) return Promise.resolve();
    return this.sink.drained(highWaterBytes);
  }
}
