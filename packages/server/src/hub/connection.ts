import type { ServerResponse } from 'node:http';
import type { BrokerEvent } from '../broker/types.js';
import type { SubscriptionFilter } from './filter.js';

/** A per-connection access check from `authorize`, over each event's name and topic. */
export type EventPredicate = (event: string, topic: string | undefined) => boolean;

/**
 * The states of one broadcast connection, a union tagged by `type`: replaying (live events wait in
 * `backlog` until the replay is written), live, or closed.
 */
export type ConnectionState =
  | { type: 'replaying'; backlog: BrokerEvent[] }
  | { type: 'live'; skipUntil?: string }
  | { type: 'closed' };

/** One open broadcast stream: the response it writes to, its filter, and its write accounting. */
export class SseConnection {
  readonly res: ServerResponse;
  readonly filter: SubscriptionFilter;
  readonly predicate: EventPredicate | undefined;
  readonly ip: string;
  state: ConnectionState;
  /** When the last byte was written, for heartbeats. */
  lastWriteAt = Date.now();

  constructor(options: {
    res: ServerResponse;
    filter: SubscriptionFilter;
    predicate: EventPredicate | undefined;
    ip: string;
    replaying: boolean;
  }) {
    this.res = options.res;
    this.filter = options.filter;
    this.predicate = options.predicate;
    this.ip = options.ip;
    this.state = options.replaying ? { type: 'replaying', backlog: [] } : { type: 'live' };
  }

  /** The group key: equal filters share buffers, except when a predicate makes the connection unique. */
  get groupKey(): string {
    return this.predicate ? '' : this.filter.key;
  }

  /** Bytes accepted by `write` but not yet handed to the kernel (the response's and the socket's). */
  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  get writable(): boolean {
    return this.state.type !== 'closed' && !this.res.destroyed && !this.res.writableEnded;
  }

  /** Write one chunk. Returns the bytes written (0 when the connection is gone). */
  write(chunk: string | Buffer, now: number = Date.now()): number {
    if (!this.writable) return 0;
    this.res.write(chunk);
    this.lastWriteAt = now;
    return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  }
}
