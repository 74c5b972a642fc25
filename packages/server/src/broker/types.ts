// The `Broker` interface between the hub and the event log, and the shapes that cross it: events,
// appends, resume answers. The memory broker and `@ssekit/redis` implement it; the hub reads it.

/** One event as a broker stores it: already validated and encoded, with the id the broker gave it. */
export interface BrokerEvent {
  /** The id the broker assigned: `<epoch>-<seq>` in memory, the stream entry id on Redis. */
  readonly id: string;
  /** The contract's event name. */
  readonly event: string;
  /** The topic given to `publish`, if any. */
  readonly topic: string | undefined;
  /** The encoded data, as one line of JSON. */
  readonly data: string;
}

/** What a broker appends: everything but the id, which it assigns. */
export interface BrokerEntry {
  readonly event: string;
  readonly topic: string | undefined;
  readonly data: string;
}

/** Why a resume is impossible. */
export type ResetReason = 'too-old' | 'unknown-epoch' | 'malformed';

/** The answer to a resume request: a union tagged by `type`. */
export type ReadResult =
  | {
      readonly type: 'events';
      readonly events: readonly BrokerEvent[];
      /** True when the read stopped at `limit` and the log held more after the last event. */
      readonly more?: boolean;
    }
  | {
      readonly type: 'reset';
      readonly reason: ResetReason;
      /** The newest id in the log now: the client resumes from here, and live events after it follow. */
      readonly lastId: string;
    };

/** Options of `Broker.readSince`. */
export interface ReadSinceOptions {
  /**
   * The most events to return: a page. The result says `more` when the log holds more after them,
   * and the next page is read since the last one's id. Without it, everything up to the newest.
   */
  readonly limit?: number;
}

/** Options of `Broker.subscribe`. */
export interface BrokerSubscribeOptions {
  /** Events were lost between the last delivered one and what follows: the log continues after `lastId`. */
  onReset?: (reset: { readonly reason: ResetReason; readonly lastId: string }) => void;
}

/**
 * Where published events go and where every server process reads them back. The in-memory broker is
 * the embedded default; `@ssekit/redis` implements the same interface on Redis Streams.
 *
 * Ordering contract: `subscribe` delivers every event appended by any process exactly once, in log
 * order, and `readSince` returns events in the same order, so a connection can replay then go live
 * with no gap and no duplicate by dropping live events for which `compare(id, lastReplayed) <= 0`
 * (`ReplayCursor` does exactly that). An event reaches subscribers only once it is in the log.
 */
export interface Broker<TAppendResult extends string | Promise<string> = string | Promise<string>> {
  /** Append one event to the log. The in-memory broker answers at once; Redis answers after XADD. */
  append(entry: BrokerEntry): TAppendResult;
  /** Events after `lastEventId`, oldest first (a page of them with `limit`), or why that id cannot be resumed from. */
  readSince(lastEventId: string, options?: ReadSinceOptions): ReadResult | Promise<ReadResult>;
  /**
   * Receive every appended event, from this process or another, in log order. Returns unsubscribe.
   * A broker that loses events it cannot deliver (a Redis that restarted empty) calls `onReset`,
   * and the hub sends `ssekit.reset` to every live connection.
   */
  subscribe(
    listener: (events: readonly BrokerEvent[]) => void,
    options?: BrokerSubscribeOptions,
  ): () => void;
  /** The newest id in the log (a sentinel such as `<epoch>-0` when it is empty): where a new connection starts. */
  lastId(): string | Promise<string>;
  /** Order two ids of this broker: negative when `a` is older. `undefined` when they are not comparable. */
  compare(a: string, b: string): number | undefined;
  /** Release timers and connections. */
  close(): Promise<void>;
}
