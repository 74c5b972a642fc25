// Replay since an id, then live: the one cursor behind every subscriber (the SSE hub's connections
// and the tRPC procedures). It reads the log in pages and decides, by id comparison only, which live
// events a subscriber still needs, for as long as that takes.
import type { Broker, BrokerEvent, ResetReason } from '../broker/types.js';

/** One step of a replay: events to deliver in order, or a reset. A union tagged by `type`. */
export type CursorStep =
  | { readonly type: 'events'; readonly events: readonly BrokerEvent[] }
  | { readonly type: 'reset'; readonly reason: ResetReason; readonly lastId: string };

/** Options of `ReplayCursor`. */
export interface ReplayCursorOptions {
  readonly broker: Broker;
  /** The last id the subscriber has: a `Last-Event-ID`, or the log's newest id for a new subscriber. */
  readonly from: string;
  /** Events per page read from the log. @default 256 */
  readonly pageSize?: number;
  /**
   * The most a final step may carry (the last page plus the live events that arrived while it was
   * read), in bytes of data: past it the cursor stays in replay for one more page instead of handing
   * the subscriber more than its live buffer bound would accept. @default 524_288
   */
  readonly maxCatchUpBytes?: number;
}

const EMPTY: readonly BrokerEvent[] = [];
// Frame overhead per event (`id: `, `event: `, `data: `, line ends) for the byte estimate.
const FRAME_OVERHEAD = 64;

/**
 * A subscriber's position in the log. `read()` returns the next page of the replay, until the cursor
 * turns `live`; from then on `admit()` passes live events through, dropping those at or before the
 * last replayed id.
 *
 * Why it is exact: an event reaches subscribers only after it is in the log. While a page is read,
 * live events are held; once a read comes back with nothing more after it, the held events newer than
 * the page are appended and the cursor turns live at that id. Live events at or before it were in a
 * page: they are dropped by comparison, over as many batches as the broker splits them into, until
 * the first newer one (the log is ordered, so every later one is newer too). Between reads live events
 * are ignored: the next read finds them in the log. So memory is one page plus what arrives during one
 * read, whatever the size of the gap.
 *
 * @example
 * ```ts
 * const cursor = new ReplayCursor({ broker, from: lastEventId });
 * const unsubscribe = broker.subscribe((events) => send(cursor.admit(events)));
 * while (!cursor.live) send(await cursor.read());
 * ```
 */
export class ReplayCursor {
  readonly #broker: Broker;
  readonly #pageSize: number;
  readonly #maxCatchUpBytes: number;
  #position: string;
  #live = false;
  /** Once live: drop events at or before this id. */
  #skipUntil: string | undefined;
  /** Live events that arrived during the read in flight (undefined when no read is in flight). */
  #held: BrokerEvent[] | undefined;
  #heldBytes = 0;
  #overflow = false;
  #pendingReset: { readonly reason: ResetReason; readonly lastId: string } | undefined;

  constructor(options: ReplayCursorOptions) {
    this.#broker = options.broker;
    this.#position = options.from;
    this.#pageSize = Math.max(1, options.pageSize ?? 256);
    this.#maxCatchUpBytes = options.maxCatchUpBytes ?? 512 * 1024;
  }

  /** True once the replay caught up: live events are delivered through `admit`. */
  get live(): boolean {
    return this.#live;
  }

  /** True while live events may still repeat what the replay delivered. */
  get skipping(): boolean {
    return this.#skipUntil !== undefined;
  }

  /** The newest id the subscriber has been given (or that was skipped as not its own). */
  get position(): string {
    return this.#position;
  }

  /**
   * Live events from the broker, in log order. Returns those to deliver now: none while replaying
   * (they are held, or read from the log later), and once live those newer than the replay.
   */
  admit(events: readonly BrokerEvent[]): readonly BrokerEvent[] {
    if (!this.#live) {
      if (this.#held !== undefined && !this.#overflow) {
        for (const event of events) {
          this.#held.push(event);
          this.#heldBytes += event.data.length + FRAME_OVERHEAD;
        }
        if (this.#heldBytes > this.#maxCatchUpBytes) {
          // Too much arrived during one read: drop it and read it from the log in the next page.
          this.#overflow = true;
          this.#held = [];
          this.#heldBytes = 0;
        }
      }
      return EMPTY;
    }
    const skipUntil = this.#skipUntil;
    if (skipUntil === undefined) return events;
    let i = 0;
    while (i < events.length && (this.#broker.compare(events[i]!.id, skipUntil) ?? 1) <= 0) i++;
    if (i === events.length) return EMPTY;
    this.#skipUntil = undefined;
    return i === 0 ? events : events.slice(i);
  }

  /**
   * The broker lost events (a Redis that restarted empty): the log goes on after `lastId`. Returns
   * true when the subscriber must get `ssekit.reset` now; a replay in flight reports it as its next
   * step instead, and one between pages finds the break in its next read.
   */
  reset(reset: { readonly reason: ResetReason; readonly lastId: string }): boolean {
    if (this.#live) {
      // Ids after a loss may compare lower than those before it: nothing may be skipped any more.
      this.#skipUntil = undefined;
      this.#position = reset.lastId;
      return true;
    }
    if (this.#held !== undefined) this.#pendingReset = reset;
    return false;
  }

  /** The next step of the replay. Call it only while not `live`, one call at a time. */
  async read(): Promise<CursorStep> {
    if (this.#live) throw new Error('ReplayCursor.read() called on a live cursor');
    this.#held = [];
    this.#heldBytes = 0;
    this.#overflow = false;
    let result: Awaited<ReturnType<Broker['readSince']>>;
    try {
      result = await this.#broker.readSince(this.#position, { limit: this.#pageSize });
    } catch (error) {
      this.#held = undefined;
      throw error;
    }
    const held = this.#held;
    const overflow = this.#overflow;
    this.#held = undefined;
    const pendingReset = this.#pendingReset;
    if (pendingReset !== undefined) {
      // The answer may come from the log before the loss: the subscriber resynchronises instead.
      this.#pendingReset = undefined;
      this.#position = pendingReset.lastId;
      return { type: 'reset', reason: pendingReset.reason, lastId: pendingReset.lastId };
    }
    switch (result.type) {
      case 'reset':
        this.#position = result.lastId;
        return { type: 'reset', reason: result.reason, lastId: result.lastId };
      case 'events': {
        let events = result.events;
        const last = events[events.length - 1];
        if (last !== undefined) this.#position = last.id;
        if (result.more === true || overflow) return { type: 'events', events };
        let bytes = 0;
        for (const event of events) bytes += event.data.length + FRAME_OVERHEAD;
        const newer: BrokerEvent[] = [];
        for (const event of held) {
          if ((this.#broker.compare(event.id, this.#position) ?? 1) > 0) {
            newer.push(event);
            bytes += event.data.length + FRAME_OVERHEAD;
          }
        }
        // A final step larger than a live buffer may hold would close the subscriber the moment it
        // goes live: it stays in replay for one more (smaller) page instead.
        if (bytes > this.#maxCatchUpBytes && events.length > 0) {
          return { type: 'events', events };
        }
        if (newer.length > 0) {
          events = events.length === 0 ? newer : [...events, ...newer];
          this.#position = newer[newer.length - 1]!.id;
        }
        this.#live = true;
        this.#skipUntil = this.#position;
        return { type: 'events', events };
      }
    }
  }
}
