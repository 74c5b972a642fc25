// The live half of the broker: `StreamTail` reads the stream with XREAD BLOCK on a connection of
// its own, delivers entries in stream order, and reports lost entries as a `RedisBrokerGap`.
import type { BrokerEvent } from '@ssekit/server';
import type { Redis } from 'ioredis';
import { type RawEntry, toStoredEntry } from './entries.js';
import { checkLink, compareStreamIds, ZERO_ID } from './ids.js';

/** Events were lost between two entries the tail delivered: subscribers should resynchronise. */
export interface RedisBrokerGap {
  /**
   * `too-old`: entries after `after` were trimmed before the tail could read them (it was cut off
   * from Redis for longer than the stream's bounds last). `unknown-epoch`: the stream the tail was
   * reading is gone or went back (a Redis restart without persistence, a deleted key, a failover to
   * a replica that lagged): see `StreamTail` for where the tail goes on.
   */
  readonly reason: 'too-old' | 'unknown-epoch';
  /** The last id delivered before the gap. */
  readonly after: string;
  /**
   * Where the tail goes on: the next event it delivers is the first entry after this id. It is
   * the id a reset sends to clients (`ssekit.reset` with `id: lastId`), so that one that resumes
   * from it gets exactly what follows. `0-0` after a Redis restart without persistence.
   */
  readonly lastId: string;
}

export interface TailOptions {
  /** A connection of its own: XREAD BLOCK holds it. */
  readonly client: Redis;
  readonly key: string;
  readonly blockMs: number;
  readonly batchSize: number;
  /** Where to start: the newest id when the tail starts, read in order with this process's appends. */
  readonly startFrom: () => Promise<string>;
  readonly deliver: (events: readonly BrokerEvent[]) => void;
  readonly onGap: (gap: RedisBrokerGap) => void;
  readonly onError: (error: unknown) => void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
// A blocked XREAD answers by blockMs at the latest. Past this margin the socket is taken for dead
// (a half-open TCP connection never errors by itself) and ioredis is made to reconnect.
const STALL_MARGIN_MS = 10_000;

/**
 * Reads the stream from one id on, forever: XREAD BLOCK on a dedicated connection, batches handed
 * to `deliver` in stream order. Errors never stop it; it waits with exponential backoff and goes on
 * from the last id it delivered. While the connection is down, ioredis holds the XREAD and sends it
 * again on reconnect (the blocking connection must keep `autoResendUnfulfilledCommands` and have
 * `maxRetriesPerRequest: null`), so an outage is a long wait, not a loop.
 *
 * Each entry must name the last one read as its `prev`. When it names a newer one, entries were
 * trimmed unread: `too-old` gap, and the tail goes on. When it names an older one, the stream went
 * back (restart, failover) and the chains part there: `unknown-epoch` gap, and the tail reads again
 * from that `prev`, so it delivers the new stream's entries that it has not delivered (all of them
 * after a restart, where `prev` is `0-0`), and no entry twice.
 */
export class StreamTail {
  readonly #options: TailOptions;
  #lastId: string | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #wakeSleep: (() => void) | undefined;

  constructor(options: TailOptions) {
    this.#options = options;
  }

  /** Start reading. The starting point is requested before this returns. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Stop after the current command; the caller closes the connection to cut a blocked XREAD short. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wakeSleep?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { client, key, blockMs, batchSize } = this.#options;
    let failures = 0;
    while (!this.#stopped) {
      try {
        this.#lastId ??= await this.#options.startFrom();
        const reply = await this.#watch(
          client.xread('COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', key, this.#lastId),
        );
        if (this.#stopped) break;
        const entries = reply?.[0]?.[1] as RawEntry[] | undefined;
        if (entries && entries.length > 0) this.#handle(entries);
        else await this.#checkReset();
        failures = 0;
      } catch (error) {
        if (this.#stopped) break;
        failures++;
        this.#options.onError(error);
        await this.#sleep(backoffMs(failures));
      }
    }
  }

  /** Deliver one batch, checking each entry's link to the one before. */
  #handle(raw: readonly RawEntry[]): void {
    let batch: BrokerEvent[] = [];
    for (const item of raw) {
      const entry = toStoredEntry(item);
      const after = this.#lastId!;
      const link = checkLink(after, entry.prev);
      if (link !== 'contiguous') {
        this.#flush(batch);
        batch = [];
        // Both ways, what comes next is the entry after `prev`: this one (too-old), or the new
        // stream's first entry after it (unknown-epoch).
        this.#options.onGap({ reason: link, after, lastId: entry.prev! });
        // The chains part at `prev`: what follows it in this stream was never delivered. Read on
        // from there (the whole stream when it is `0-0`), in the next XREAD.
        if (link === 'unknown-epoch') {
          this.#lastId = entry.prev!;
          return;
        }
      }
      if (entry.event) batch.push(entry.event);
      else
        this.#options.onError(
          new Error(`Entry ${entry.id} of ${this.#options.key} has no event or data: skipped`),
        );
      this.#lastId = entry.id;
    }
    this.#flush(batch);
  }

  #flush(batch: readonly BrokerEvent[]): void {
    if (batch.length > 0) this.#options.deliver(batch);
  }

  /**
   * Nothing new for blockMs: make sure the stream did not go back behind the last id read. It does
   * when Redis restarted empty, or failed over to a replica that lagged; XREAD from an id above the
   * newest entry would then wait for new ids to pass it, which with another clock may take long.
   *
   * The tail goes on from the newest entry. Whether this process delivered the entries up to it is
   * unknown (after a failover it mostly did); delivering them again would repeat stale events after
   * the gap, so they are skipped: the gap says subscribers must resynchronise anyway.
   */
  async #checkReset(): Promise<void> {
    const { client, key } = this.#options;
    const newest =
      (await this.#watch(client.xrevrange(key, '+', '-', 'COUNT', 1)))[0]?.[0] ?? ZERO_ID;
    const after = this.#lastId!;
    if (compareStreamIds(newest, after)! >= 0) return;
    this.#lastId = newest;
    this.#options.onGap({ reason: 'unknown-epoch', after, lastId: newest });
  }

  /** Reconnect when a command on the blocking connection outlives its block by far. */
  async #watch<T>(command: Promise<T>): Promise<T> {
    const { client, blockMs } = this.#options;
    const timer = setInterval(() => {
      if (client.status === 'ready') client.disconnect(true);
    }, blockMs + STALL_MARGIN_MS);
    try {
      return await command;
    } finally {
      clearInterval(timer);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleep = done;
    });
  }
}

/** Exponential backoff with jitter: 100 ms doubling up to 5 s, each wait between half and all of it. */
function backoffMs(failures: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(failures - 1, 16));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
