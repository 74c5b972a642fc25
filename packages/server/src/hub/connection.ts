// One open broadcast connection: the response it writes to, its filter and access predicate, its
// replay cursor, and the accounting of what it has not sent yet. The hub decides what goes into it.
import type { ServerResponse } from 'node:http';
import { type BodyWriter, bodyWriter } from '../http/body-writer.js';
import type { ReplayCursor } from '../resume/cursor.js';
import type { SubscriptionFilter } from './filter.js';

/** A per-connection access check from `authorize`, over each event's name and topic. */
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

/** One open broadcast stream: the response it writes to, its filter, and its write accounting. */
export class SseConnection {
  readonly res: ServerResponse;
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
  /** Where its bytes go: the socket of a plain HTTP/1.1 response, else the response. */
  readonly #body: BodyWriter;

  constructor(options: {
    res: ServerResponse;
    filter: SubscriptionFilter;
    predicate: EventPredicate | undefined;
    principal?: unknown;
    ip: string;
  }) {
    this.res = options.res;
    this.filter = options.filter;
    this.predicate = options.predicate;
    this.principal = options.principal;
    this.ip = options.ip;
    // The head is out (`startStream`): the writer can tell which way the body may go.
    this.#body = bodyWriter(options.res);
  }

  /** The group key: equal filters share buffers, except when a predicate makes the connection unique. */
  get groupKey(): string {
    return this.predicate ? '' : this.filter.key;
  }

  /** Bytes accepted by `write` but not yet handed to the kernel (the response's and the socket's). */
  get bufferedBytes(): number {
    return this.#body.bufferedBytes;
  }

  /** Whether more than `limit` bytes wait to be sent; cheap enough for every connection every tick. */
  holdsMoreThan(limit: number): boolean {
    return this.#body.holdsMoreThan(limit);
  }

  get writable(): boolean {
    return this.state.type !== 'closed' && !this.res.destroyed && !this.res.writableEnded;
  }

  /** Write one chunk. Returns the bytes written (0 when the connection is gone). */
  write(chunk: string | Buffer, now: number = Date.now()): number {
    const res = this.res;
    if (this.state.type === 'closed' || res.destroyed || res.writableEnded) return 0;
    this.#body.write(chunk);
    this.lastWriteAt = now;
    return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }

  /** Resolves once at most `highWaterBytes` are unsent, or the connection is gone. */
  drained(highWaterBytes: number): Promise<void> {
    if (!this.writable) return Promise.resolve();
    return this.#body.drained(highWaterBytes);
  }
}
