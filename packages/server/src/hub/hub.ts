// The fan-out hub: every event from the broker passes here once per tick; it builds one buffer per
// subscription set and writes it once per connection, replays resuming connections page by page, and
// keeps unsent bytes bounded per connection and in total.
import { Buffer } from 'node:buffer';
import { setImmediate } from 'node:timers';
import { encodeComment, encodeEvent, encodeResetEvent } from '@ssekit/core';
import type { Broker, BrokerEvent, ResetReason } from '../broker/types.js';
import { sharedChunk } from '../http/body-writer.js';
import { type CursorStep, ReplayCursor } from '../resume/cursor.js';
import type { ErrorContext } from '../types.js';
import type { SseConnection } from './connection.js';
import { admits, kindsOf, matchesFilter } from './filter.js';
import type { SseServerStats } from './stats.js';

export interface HubOptions {
  broker: Broker;
  stats: SseServerStats;
  /** A live connection with more unsent bytes than this when the next tick is written is closed. */
  maxBufferedBytes: number;
  /** All connections' unsent bytes together: past it, the furthest behind are closed first. */
  maxTotalBufferedBytes: number;
  heartbeatMs: number | null;
  onError: (error: unknown, context: ErrorContext) => void;
  /** Events per page of a replay. @default 256 */
  replayPageSize?: number;
}

const HEARTBEAT = Buffer.from(encodeComment('hb'));
// A replay writes up to this much, then waits for the socket to drain: the pace of the reader, not
// of the log, decides how fast a gap of any size is sent.
const REPLAY_HIGH_WATER_BYTES = 64 * 1024;
// How often the total of unsent bytes is summed over every connection (written ones are summed at
// each flush; this catches those that hold old bytes and get nothing new).
const BUDGET_CHECK_MS = 1_000;

/** Thrown by `passes` when an `authorize` predicate throws: it costs that connection only. */
class PredicateError {
  constructor(
    readonly cause: unknown,
    readonly event: string,
  ) {}
}

// A function, not an inline test: the state changes across awaits, which narrowing cannot see.
function isClosed(conn: SseConnection): boolean {
  return conn.state.type === 'closed';
}

/** The bytes of a pass vector: which events of a batch one connection may see. */
const PASSED = 49; // '1'
const DROPPED = 48; // '0'
const EMPTY = Buffer.alloc(0);

function sameBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const NO_KINDS = { kinds: [], kindOf: new Uint16Array(0) };

/** One event as SSE text. */
function frameOf(event: BrokerEvent): string {
  return encodeEvent({ id: event.id, event: event.event, topic: event.topic, data: event.data });
}

/** `admits` for one connection, a throwing predicate reported as a `PredicateError`. */
function passes(conn: SseConnection, event: BrokerEvent): boolean {
  try {
    return admits(conn.filter, conn.predicate, event);
  } catch (error) {
    throw new PredicateError(error, event.event);
  }
}

/**
 * The fan-out hub. Connections with the same filter form a group: one buffer per tick is built for
 * the group and written to each of them. A connection that resumes replays the log through its
 * `ReplayCursor` (page by page, under backpressure), then stays on its own until live events can no
 * longer repeat what it replayed, then joins its group. A connection with an `authorize` predicate
 * is always on its own.
 */
export class Hub {
  readonly #options: HubOptions;
  readonly #groups = new Map<string, Set<SseConnection>>();
  /** Live connections written one by one: with a predicate, or still skipping what they replayed. */
  readonly #singles = new Set<SseConnection>();
  readonly #replaying = new Set<SseConnection>();
  // A live event's frame is built once per tick (`flush`) and shared by every connection of that
  // tick, then dropped: the log outlives it, and a frame kept per logged event (a tree of a dozen
  // strings) doubled what each event retains (issue 18). Replays build frames from the log and keep
  // them here, so that a storm of resumes over one gap encodes each event once. Beside the broker's
  // events, never written into them (the broker and tRPC share those objects).
  readonly #frames = new WeakMap<BrokerEvent, string>();
  #pending: BrokerEvent[] = [];
  /** The id of the last event flushed (at start, the broker's head if it can tell at once). */
  #flushedUpTo: string | undefined;
  #scheduled = false;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #unsubscribe: () => void;
  readonly #flush = () => this.flush();

  constructor(options: HubOptions) {
    this.#options = options;
    // The head at start, for the fast join of new connections; it exists only for brokers that
    // answer at once. An asynchronous one (Redis) is not waited for, and a rejection (Redis down at
    // start) must not become an unhandled one: connections ask again when they come.
    const head = options.broker.lastId();
    if (typeof head === 'string') this.#flushedUpTo = head;
    else head.then(undefined, () => {});
    this.#unsubscribe = options.broker.subscribe((events) => this.#enqueue(events), {
      onReset: (reset) => this.#reset(reset),
    });
    if (options.heartbeatMs !== null) {
      // One timer for all connections: a timer per connection costs memory at 10 000 connections.
      const every = Math.max(50, Math.floor(options.heartbeatMs / 5));
      this.#timers.push(setInterval(() => this.#beat(), every));
    }
    this.#timers.push(
      setInterval(() => this.#enforceBudget(this.#totalBuffered()), BUDGET_CHECK_MS),
    );
    for (const timer of this.#timers) timer.unref();
  }

  get size(): number {
    let n = this.#singles.size + this.#replaying.size;
    for (const group of this.#groups.values()) n += group.size;
    return n;
  }

  *connections(): Iterable<SseConnection> {
    yield* this.#replaying;
    yield* this.#singles;
    for (const group of this.#groups.values()) yield* group;
  }

  /**
   * Add a connection. Without `lastEventId` it starts at the log's newest id (written at once as an
   * id-only block, so that a drop before its first event resumes with no loss); with one, it replays
   * what it missed first. Resolves once it is live, or gone.
   */
  async add(conn: SseConnection, lastEventId: string | undefined): Promise<void> {
    const broker = this.#options.broker;
    conn.state = { type: 'replaying' };
    this.#replaying.add(conn);
    try {
      let from = lastEventId;
      if (from === undefined) {
        const head = broker.lastId();
        if (typeof head === 'string' && this.#pending.length === 0 && head === this.#flushedUpTo) {
          // The hub has flushed everything up to the head, and nothing waits: every event from the
          // next flush on is after it, so the connection joins its group at once, with no replay.
          this.#replaying.delete(conn);
          conn.state = { type: 'live' };
          this.#write(conn, `id: ${head}\n\n`);
          if (conn.predicate) this.#singles.add(conn);
          else this.#join(conn);
          return;
        }
        from = await head;
        if (isClosed(conn)) return;
        this.#write(conn, `id: ${from}\n\n`);
      }
      const cursor = new ReplayCursor({
        broker,
        from,
        pageSize: this.#options.replayPageSize,
        maxCatchUpBytes: Math.floor(this.#options.maxBufferedBytes / 2),
      });
      conn.cursor = cursor;
      while (!cursor.live) {
        const step = await cursor.read();
        if (isClosed(conn)) return;
        if (cursor.live) {
          // The last step goes out whole and the connection is live in the same turn: nothing the
          // hub flushes from now on can come before it.
          this.#write(conn, this.#stepText(conn, step));
        } else {
          await this.#writePaced(conn, step);
          if (isClosed(conn)) return;
        }
      }
    } catch (error) {
      if (error instanceof PredicateError) this.#failPredicate(conn, error);
      else this.#fail(conn, error);
      return;
    }
    this.#replaying.delete(conn);
    conn.state = { type: 'live' };
    this.#singles.add(conn);
  }

  remove(conn: SseConnection): void {
    conn.state = { type: 'closed' };
    conn.cursor = undefined;
    if (this.#replaying.delete(conn) || this.#singles.delete(conn)) return;
    const key = conn.groupKey;
    const group = this.#groups.get(key);
    if (group?.delete(conn) && group.size === 0) this.#groups.delete(key);
  }

  /** Write the events queued in this tick. Runs on `setImmediate`; callable directly to drain. */
  flush(): void {
    this.#scheduled = false;
    const events = this.#pending;
    if (events.length === 0) return;
    this.#pending = [];
    this.#flushedUpTo = events[events.length - 1]!.id;
    const now = Date.now();
    // This tick's frames, for every connection of it; a replay may have built one already.
    const frames: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      frames[i] = this.#frames.get(event) ?? frameOf(event);
    }
    let written = 0;

    for (const conn of this.#replaying) conn.cursor?.admit(events);

    for (const group of this.#groups.values()) {
      // All connections of a group share a filter: take it from any one of them.
      const first = group.values().next().value;
      if (!first) continue;
      let text = '';
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (matchesFilter(first.filter, event.event, event.topic)) text += frames[i];
      }
      if (text === '') continue;
      const chunk = sharedChunk(text);
      for (const conn of group) written += this.#write(conn, chunk, now);
    }

    // Joining a group while iterating the singles would visit the connection twice: joins wait.
    const joining: SseConnection[] = [];
    // What a connection may see depends on an event's name and topic alone: a tick of 100 events
    // over 4 topics asks each connection's filter and predicate 4 times, not 100.
    const { kinds, kindOf } = this.#singles.size > 0 ? kindsOf(events) : NO_KINDS;
    const answers = new Uint8Array(kinds.length);
    // Singles whose filter and predicate let the same events through share one buffer, keyed by
    // which events passed: with predicates that mostly agree, the fan-out stays one buffer per set.
    // Most connections answer as the one before did: that case is a byte comparison, no lookup.
    const shared = new Map<string, Buffer>();
    const bits = Buffer.alloc(events.length);
    const previous: { answers: Uint8Array; length: number; chunk: Buffer } = {
      answers: new Uint8Array(kinds.length),
      length: -1,
      chunk: EMPTY,
    };
    for (const conn of this.#singles) {
      const cursor = conn.cursor;
      const admitted = cursor ? cursor.admit(events) : events;
      const count = admitted.length;
      const { filter, predicate } = conn;
      let k = 0;
      try {
        // One try around the whole loop: it runs for every connection and kind of the tick.
        if (count > 0)
          for (; k < kinds.length; k++)
            answers[k] = admits(filter, predicate, kinds[k]!) ? PASSED : DROPPED;
      } catch (error) {
        // Only the predicate can throw here.
        this.#failPredicate(conn, new PredicateError(error, kinds[k]!.event));
        continue;
      }
      if (cursor && !cursor.skipping) {
        conn.cursor = undefined;
        if (!conn.predicate) joining.push(conn);
      }
      if (count === 0) continue;
      // A cursor may have dropped a prefix of the batch: admitted batches of one length are suffixes
      // of the same batch, so the length and the answers name the events.
      let chunk: Buffer;
      if (count === previous.length && sameBytes(answers, previous.answers, kinds.length)) {
        chunk = previous.chunk;
      } else {
        const offset = events.length - count;
        let any = false;
        for (let i = 0; i < count; i++) {
          const bit = answers[kindOf[offset + i]!]!;
          bits[i] = bit;
          if (bit === PASSED) any = true;
        }
        const key = any ? `${count}:${bits.toString('latin1', 0, count)}` : '';
        let found = key === '' ? EMPTY : shared.get(key);
        if (found === undefined) {
          let text = '';
          for (let i = 0; i < count; i++) if (bits[i] === PASSED) text += frames[offset + i];
          found = sharedChunk(text);
          shared.set(key, found);
        }
        chunk = found;
        previous.answers.set(answers);
        previous.length = count;
        previous.chunk = chunk;
      }
      if (chunk.length > 0) written += this.#write(conn, chunk, now);
    }
    for (const conn of joining) {
      if (conn.state.type === 'live' && this.#singles.delete(conn)) this.#join(conn);
    }
    if (written > 0 && written > this.#options.maxTotalBufferedBytes / 4) {
      this.#enforceBudget(this.#totalBuffered());
    }
  }

  /** Stop listening to the broker and the timers. Connections are closed by the server. */
  close(): void {
    this.flush();
    this.#unsubscribe();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
  }

  /** The frame of a replayed event, kept for the next replay of it. */
  #replayFrame(event: BrokerEvent): string {
    let frame = this.#frames.get(event);
    if (frame === undefined) {
      frame = frameOf(event);
      this.#frames.set(event, frame);
    }
    return frame;
  }

  #stepText(conn: SseConnection, step: CursorStep): string {
    switch (step.type) {
      case 'reset':
        this.#options.stats.resets += 1;
        return encodeResetEvent(step);
      case 'events': {
        this.#options.stats.replayed += step.events.length;
        let text = '';
        for (const event of step.events) if (passes(conn, event)) text += this.#replayFrame(event);
        return text;
      }
    }
  }

  /** Write a replay step in slices, waiting for the socket whenever it holds more than the high water. */
  async #writePaced(conn: SseConnection, step: CursorStep): Promise<void> {
    if (step.type === 'reset') {
      this.#write(conn, this.#stepText(conn, step));
      return;
    }
    this.#options.stats.replayed += step.events.length;
    let text = '';
    for (const event of step.events) {
      if (!passes(conn, event)) continue;
      text += this.#replayFrame(event);
      if (text.length < REPLAY_HIGH_WATER_BYTES) continue;
      this.#write(conn, text);
      text = '';
      await conn.drained(REPLAY_HIGH_WATER_BYTES);
      if (isClosed(conn)) return;
    }
    if (text !== '') this.#write(conn, text);
    await conn.drained(REPLAY_HIGH_WATER_BYTES);
  }

  /**
   * Write to one connection. A live connection that still holds more than `maxBufferedBytes` from
   * before is closed instead: its client reconnects and replays from the log, so memory stays bounded
   * and nothing is lost while the log holds the gap. (Checked before the write, so one tick's batch
   * never closes a connection that keeps up, however large the batch.)
   */
  #write(conn: SseConnection, chunk: string | Buffer, now: number = Date.now()): number {
    if (conn.state.type === 'live' && conn.holdsMoreThan(this.#options.maxBufferedBytes)) {
      this.#options.stats.slowCloses += 1;
      this.#close(conn);
      return 0;
    }
    const bytes = conn.write(chunk, now);
    this.#options.stats.bytesWritten += bytes;
    return bytes;
  }

  #join(conn: SseConnection): void {
    const key = conn.groupKey;
    let group = this.#groups.get(key);
    if (!group) {
      group = new Set();
      this.#groups.set(key, group);
    }
    group.add(conn);
  }

  /** The broker lost events: every connection must resynchronise, once, from `lastId` on. */
  #reset(reset: { readonly reason: ResetReason; readonly lastId: string }): void {
    this.flush();
    const frame = Buffer.from(encodeResetEvent(reset));
    const now = Date.now();
    for (const conn of [...this.connections()]) {
      // A replay reports the loss as its own next step, or finds it in its next read.
      if (conn.state.type === 'replaying') {
        conn.cursor?.reset(reset);
        continue;
      }
      if (conn.state.type !== 'live') continue;
      conn.cursor?.reset(reset);
      this.#options.stats.resets += 1;
      this.#write(conn, frame, now);
    }
  }

  #fail(conn: SseConnection, error: unknown): void {
    this.#options.onError(error, { type: 'broker' });
    this.#close(conn);
  }

  #failPredicate(conn: SseConnection, error: PredicateError): void {
    this.#options.onError(error.cause, { type: 'predicate', event: error.event });
    this.#close(conn);
  }

  #close(conn: SseConnection): void {
    this.remove(conn);
    conn.sink.destroy();
  }

  #enqueue(events: readonly BrokerEvent[]): void {
    for (const event of events) this.#pending.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // setImmediate, not nextTick: every publish of the current I/O turn joins one batch.
      setImmediate(this.#flush);
    }
  }

  #totalBuffered(): number {
    let total = 0;
    for (const conn of this.connections()) total += conn.bufferedBytes;
    return total;
  }

  /** Past the server-wide budget, close the connections furthest behind until it holds again. */
  #enforceBudget(total: number): void {
    const budget = this.#options.maxTotalBufferedBytes;
    if (total <= budget) return;
    const behind = [...this.connections()].filter((conn) => conn.bufferedBytes > 0);
    behind.sort((a, b) => b.bufferedBytes - a.bufferedBytes);
    for (const conn of behind) {
      if (total <= budget) break;
      total -= conn.bufferedBytes;
      this.#options.stats.budgetCloses += 1;
      this.#close(conn);
    }
  }

  #beat(): void {
    const limit = this.#options.heartbeatMs;
    if (limit === null) return;
    const now = Date.now();
    for (const conn of [...this.connections()]) {
      if (now - conn.lastWriteAt < limit) continue;
      // A heartbeat to a half-open peer eventually fails, and the socket's close removes it.
      this.#write(conn, HEARTBEAT, now);
    }
  }
}
