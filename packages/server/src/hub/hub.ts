import { ControlEvent, encodeComment, encodeEvent } from '@ssekit/core';
import type { Broker, BrokerEvent, ReadResult } from '../broker/types.js';
import type { SseConnection } from './connection.js';
import { matchesFilter } from './filter.js';
import type { SseServerStats } from './stats.js';

export interface HubOptions {
  broker: Broker;
  stats: SseServerStats;
  maxBufferedBytes: number;
  heartbeatMs: number | null;
  onError: (error: unknown) => void;
}

/** Connections with the same filter: one buffer per tick is built for them all. */
interface Group {
  readonly connections: Set<SseConnection>;
}

const HEARTBEAT = Buffer.from(encodeComment('hb'));

function frameOf(event: BrokerEvent): string {
  // Encoded once per event per process, then shared by every connection and by replays.
  event.frame ??= encodeEvent({
    id: event.id,
    event: event.event,
    topic: event.topic,
    data: event.data,
  });
  return event.frame;
}

function passes(conn: SseConnection, event: BrokerEvent): boolean {
  return (
    matchesFilter(conn.filter, event.event, event.topic) &&
    (!conn.predicate || conn.predicate(event.event, event.topic))
  );
}

/**
 * The fan-out hub: it receives every event from the broker, batches the events of one tick, builds
 * one buffer per subscription set and writes it once to each connection of that set.
 */
export class Hub {
  readonly #options: HubOptions;
  readonly #groups = new Map<string, Group>();
  // Connections with an authorize predicate, or still replaying: handled one by one.
  readonly #singles = new Set<SseConnection>();
  #pending: BrokerEvent[] = [];
  #scheduled = false;
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #unsubscribe: () => void;
  readonly #flush = () => this.flush();

  constructor(options: HubOptions) {
    this.#options = options;
    this.#unsubscribe = options.broker.subscribe((events) => this.#enqueue(events), {
      onReset: (reset) => this.#reset(reset.reason, reset.lastId),
    });
    if (options.heartbeatMs !== null) {
      // One timer for all connections: a timer per connection costs memory at 10 000 connections.
      const every = Math.max(50, Math.floor(options.heartbeatMs / 5));
      this.#heartbeat = setInterval(() => this.#beat(), every);
      this.#heartbeat.unref();
    }
  }

  get size(): number {
    let n = this.#singles.size;
    for (const group of this.#groups.values()) n += group.connections.size;
    return n;
  }

  *connections(): Iterable<SseConnection> {
    yield* this.#singles;
    for (const group of this.#groups.values()) yield* group.connections;
  }

  /**
   * Add a connection. With `lastEventId` it replays what it missed first: live events that arrive
   * meanwhile wait in its backlog and are written after the replay, minus those the replay held.
   */
  async add(conn: SseConnection, lastEventId: string | undefined): Promise<void> {
    const broker = this.#options.broker;
    let preamble = '';
    if (lastEventId === undefined) {
      // A new connection learns the log's newest id at once (an id-only block sets the client's last
      // event id without dispatching anything), so that it resumes with no loss even if it drops
      // before its first event.
      const head = broker.lastId();
      if (typeof head === 'string') {
        conn.state = { type: 'live' };
        this.#options.stats.bytesWritten += conn.write(`id: ${head}\n\n`);
        this.#attach(conn);
        return;
      }
      // An asynchronous broker may deliver events between the head read and the attach: start as a
      // resume from the head instead, which drops nothing and duplicates nothing.
      this.#singles.add(conn);
      try {
        lastEventId = await head;
      } catch (error) {
        this.#fail(conn, error);
        return;
      }
      preamble = `id: ${lastEventId}\n\n`;
    } else {
      this.#singles.add(conn);
    }
    let result: ReadResult;
    try {
      result = await broker.readSince(lastEventId);
    } catch (error) {
      this.#fail(conn, error);
      return;
    }
    if (conn.state.type !== 'replaying') return;
    if (this.#pending.length === 0) this.#scheduleFlush();
    const backlog = conn.state.backlog;
    let text = preamble;
    // Live events at or before this id reached the client already (or came in the replay).
    let last: string = lastEventId;
    switch (result.type) {
      case 'events':
        for (const event of result.events) {
          if (passes(conn, event)) text += frameOf(event);
          last = event.id;
        }
        this.#options.stats.replayed += result.events.length;
        break;
      case 'reset':
        // The id line makes the client resume from here if it drops before the next event, so it
        // gets one reset, not one per reconnect.
        text += encodeEvent({
          id: result.lastId,
          event: ControlEvent.RESET,
          data: JSON.stringify({ reason: result.reason }),
        });
        last = result.lastId;
        this.#options.stats.resets += 1;
        break;
    }
    for (const event of backlog) {
      if ((broker.compare(event.id, last) ?? 1) <= 0) continue;
      text += frameOf(event);
    }
    // The log runs ahead of the hub: events published this tick are in the replay and still
    // pending here. The connection stays single until the next flush skips those.
    conn.state = { type: 'live', skipUntil: last };
    if (text) this.#options.stats.bytesWritten += conn.write(text);
    this.#checkBuffer(conn);
  }

  remove(conn: SseConnection): void {
    conn.state = { type: 'closed' };
    if (this.#singles.delete(conn)) return;
    const key = conn.groupKey;
    const group = this.#groups.get(key);
    if (group?.connections.delete(conn) && group.connections.size === 0) this.#groups.delete(key);
  }

  /** Write the events queued in this tick. Runs on `setImmediate`; callable directly to drain. */
  flush(): void {
    this.#scheduled = false;
    const events = this.#pending;
    this.#pending = [];
    const stats = this.#options.stats;
    const now = Date.now();
    for (const event of events) frameOf(event);
    if (events.length === 0) {
      // Nothing to send, but connections that finished their replay join their groups.
      for (const conn of this.#singles) {
        if (conn.state.type === 'live' && conn.state.skipUntil !== undefined) {
          conn.state = { type: 'live' };
          this.#singles.delete(conn);
          this.#attach(conn);
        }
      }
      return;
    }

    for (const group of this.#groups.values()) {
      // All connections of a group share a filter: take it from any one of them.
      const first = group.connections.values().next().value;
      if (!first) continue;
      let text = '';
      for (const event of events)
        if (matchesFilter(first.filter, event.event, event.topic)) text += event.frame;
      if (text === '') continue;
      const chunk = Buffer.from(text);
      for (const conn of group.connections) {
        stats.bytesWritten += conn.write(chunk, now);
        this.#checkBuffer(conn);
      }
    }

    for (const conn of this.#singles) {
      if (conn.state.type === 'replaying') {
        for (const event of events) if (passes(conn, event)) conn.state.backlog.push(event);
        continue;
      }
      const skipUntil = conn.state.type === 'live' ? conn.state.skipUntil : undefined;
      let text = '';
      for (const event of events) {
        if (
          skipUntil !== undefined &&
          (this.#options.broker.compare(event.id, skipUntil) ?? 1) <= 0
        )
          continue;
        if (passes(conn, event)) text += event.frame;
      }
      if (skipUntil !== undefined) {
        conn.state = { type: 'live' };
        this.#singles.delete(conn);
        this.#attach(conn);
      }
      if (text === '') continue;
      stats.bytesWritten += conn.write(text, now);
      this.#checkBuffer(conn);
    }
  }

  /** Stop listening to the broker and the heartbeat timer. Connections are closed by the server. */
  close(): void {
    this.flush();
    this.#unsubscribe();
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #attach(conn: SseConnection): void {
    const key = conn.groupKey;
    if (key === '') {
      this.#singles.add(conn);
      return;
    }
    let group = this.#groups.get(key);
    if (!group) {
      group = { connections: new Set() };
      this.#groups.set(key, group);
    }
    group.connections.add(conn);
  }

  /** The broker lost events: every connection must resynchronise, once, from `lastId` on. */
  #reset(reason: string, lastId: string): void {
    this.flush();
    const frame = Buffer.from(
      encodeEvent({ id: lastId, event: ControlEvent.RESET, data: JSON.stringify({ reason }) }),
    );
    const now = Date.now();
    for (const conn of this.connections()) {
      switch (conn.state.type) {
        case 'replaying':
          // Its replay answer is still to come and will say what it says; live events after the
          // reset are what its backlog holds.
          continue;
        case 'live':
          if (conn.state.skipUntil !== undefined) conn.state = { type: 'live' };
          this.#options.stats.bytesWritten += conn.write(frame, now);
          this.#options.stats.resets += 1;
          this.#checkBuffer(conn);
          break;
        case 'closed':
          break;
      }
    }
  }

  #fail(conn: SseConnection, error: unknown): void {
    this.#options.onError(error);
    this.remove(conn);
    conn.res.destroy();
  }

  #enqueue(events: readonly BrokerEvent[]): void {
    for (const event of events) this.#pending.push(event);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      // setImmediate, not nextTick: every publish of the current I/O turn joins one batch.
      setImmediate(this.#flush);
    }
  }

  #checkBuffer(conn: SseConnection): void {
    if (conn.bufferedBytes <= this.#options.maxBufferedBytes) return;
    // A consumer this far behind is closed: its client reconnects and replays from the log, so
    // memory stays bounded and nothing is lost while the log still holds the gap.
    this.#options.stats.slowCloses += 1;
    this.remove(conn);
    conn.res.destroy();
  }

  #beat(): void {
    const limit = this.#options.heartbeatMs;
    if (limit === null) return;
    const now = Date.now();
    const stats = this.#options.stats;
    for (const conn of this.connections()) {
      if (now - conn.lastWriteAt < limit) continue;
      // A heartbeat to a half-open peer eventually fails, and the socket's close removes it.
      stats.bytesWritten += conn.write(HEARTBEAT, now);
      this.#checkBuffer(conn);
    }
  }
}
