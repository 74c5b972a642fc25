// `RedisBroker`: the server's `Broker` on a Redis stream, so that several server processes share
// one event log. Appends go through the command connection; live events come back through the tail.
import type {
  Broker,
  BrokerEntry,
  BrokerEvent,
  BrokerSubscribeOptions,
  ReadResult,
  ReadSinceOptions,
} from '@ssekit/server';
import { Redis, type RedisOptions } from 'ioredis';
import { CommandConnection } from './connection.js';
import { RedisBrokerError, RedisBrokerErrorCode } from './errors.js';
import { compareStreamIds } from './ids.js';
import { readLastId, readSince } from './read-since.js';
import { type RedisBrokerGap, StreamTail } from './tail.js';

/** Where the broker's Redis is: a URL (the broker opens and closes its connections) or a client of yours. */
export type RedisConnectionOptions =
  | {
      /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
      readonly url: string;
      /** More ioredis options for the connections the broker opens (TLS, retryStrategy…). */
      readonly redisOptions?: RedisOptions;
    }
  | {
      /**
       * An ioredis client for appends and reads; the broker also opens `client.duplicate()` for the
       * blocking tail. `close()` leaves this client open. Give it `autoResendUnfulfilledCommands:
       * false`: with ioredis's default, an XADD in flight when the connection drops is sent again on
       * reconnect and may be stored twice.
       */
      readonly client: Redis;
    };

export interface RedisBrokerOptions {
  /**
   * The stream key. Every process sharing a log uses the same key; nothing else may write to it.
   * @default 'ssekit:events'
   */
  key?: string;
  /**
   * Events kept for replay. The stream is trimmed with `MAXLEN ~`, so Redis keeps at least this many
   * (a little more until a whole node can go); a resume replays at most this many, and an older id
   * gets `too-old`, as with the memory broker.
   * @default 10_000
   */
  maxEvents?: number;
  /**
   * Age after which events are trimmed (`MINID ~`, by Redis's clock), in milliseconds. `null` keeps
   * them until `maxEvents` pushes them out.
   * @default null
   */
  maxAgeMs?: number | null;
  /**
   * How long one XREAD of the tail blocks. When it ends with nothing new, the tail checks that the
   * stream was not reset, so this is also how soon an idle process notices a Redis that restarted empty.
   * @default 5_000
   */
  blockMs?: number;
  /** Entries per XREAD of the tail and per XRANGE page of a resume. @default 1_000 */
  batchSize?: number;
  /**
   * How long an append or a read may take, waiting for Redis to be reachable included. `null` waits
   * as long as it takes. See `RedisBroker.append` for what each failure means.
   * @default 5_000
   */
  commandTimeoutMs?: number | null;
  /**
   * Resend an append whose connection broke before Redis answered, after the reconnect, within
   * `commandTimeoutMs` of the call. Safe: each append carries this process's producer id and a
   * sequence number, and Redis stores it at most once, answering a resend with the first id. Without
   * it, such an append is rejected `UNCERTAIN` at once.
   * @default true
   */
  retryUncertain?: boolean;
  /**
   * Events were lost between two that the tail delivered (a Redis restart without persistence,
   * entries trimmed before the tail could read them). Every subscriber's `onReset` is called too,
   * which makes `createSseServer` send `ssekit.reset` to its live connections: this hook is for
   * logs and metrics.
   */
  onGap?: (gap: RedisBrokerGap) => void;
  /** A connection error, a failed tail read (it goes on with backoff), or a subscriber that threw. */
  onError?: (error: unknown) => void;
}

const DEFAULT_KEY = 'ssekit:events';

interface Subscription {
  readonly listener: (events: readonly BrokerEvent[]) => void;
  readonly onReset: BrokerSubscribeOptions['onReset'];
}

/**
 * A `Broker` on a Redis stream, so that several server processes share one event log (Redis ≥ 6.2).
 *
 * Each process appends with XADD and tails the stream over a blocking connection of its own; its own
 * events reach its subscribers through the tail too, so every process sees one order. Each entry
 * records the id before it (`prev`), which makes resumes exact and every gap detectable: see
 * `readSince` and `onGap`.
 *
 * @example
 * ```ts
 * const broker = redisBroker({ url: process.env.REDIS_URL! }, { maxEvents: 50_000, maxAgeMs: 600_000 });
 * const sse = createSseServer(contract, { broker });
 * ```
 */
export class RedisBroker implements Broker<Promise<string>> {
  /** The stream key. */
  readonly key: string;
  readonly #maxEvents: number;
  readonly #maxAgeMs: number | null;
  readonly #batchSize: number;
  readonly #commands: CommandConnection;
  readonly #blocking: Redis;
  readonly #ownsCommandClient: boolean;
  readonly #tail: StreamTail;
  // One record per subscribe call, so that the same listener subscribed twice is two subscriptions.
  readonly #subscriptions = new Set<Subscription>();
  readonly #onGap: (gap: RedisBrokerGap) => void;
  readonly #onError: (error: unknown) => void;
  #closing: Promise<void> | undefined;

  constructor(connection: RedisConnectionOptions, options: RedisBrokerOptions = {}) {
    this.key = options.key ?? DEFAULT_KEY;
    this.#maxEvents = options.maxEvents ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? null;
    this.#batchSize = options.batchSize ?? 1_000;
    const blockMs = options.blockMs ?? 5_000;
    const commandTimeoutMs =
      options.commandTimeoutMs === undefined ? 5_000 : options.commandTimeoutMs;
    checkOptions({
      key: this.key,
      maxEvents: this.#maxEvents,
      maxAgeMs: this.#maxAgeMs,
      blockMs,
      batchSize: this.#batchSize,
      commandTimeoutMs,
    });
    const onError = options.onError ?? (() => {});
    this.#onError = onError;
    this.#onGap = options.onGap ?? (() => {});

    let client: Redis;
    if ('client' in connection) {
      client = connection.client;
      this.#ownsCommandClient = false;
    } else {
      // No offline queue: CommandConnection waits for 'ready' itself and gives up without sending.
      // No resend on reconnect: an XADD sent twice would be stored twice.
      client = new Redis(connection.url, {
        ...connection.redisOptions,
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
      });
      client.on('error', onError);
      this.#ownsCommandClient = true;
    }
    this.#commands = new CommandConnection({
      client,
      key: this.key,
      bounds: { maxEvents: this.#maxEvents, maxAgeMs: this.#maxAgeMs },
      timeoutMs: commandTimeoutMs,
      retryUncertain: options.retryUncertain ?? true,
    });
    // The tail's XREAD must wait out an outage and be sent again after it: see StreamTail.
    this.#blocking = client.duplicate({
      lazyConnect: true,
      enableOfflineQueue: true,
      autoResendUnfulfilledCommands: true,
      maxRetriesPerRequest: null,
    });
    this.#blocking.on('error', onError);
    this.#tail = new StreamTail({
      client: this.#blocking,
      key: this.key,
      blockMs,
      batchSize: this.#batchSize,
      startFrom: () => readLastId(this.#commands, this.key),
      deliver: (events) => this.#deliver(events),
      onGap: (gap) => this.#gap(gap),
      onError,
    });
  }

  /**
   * Append one event: XADD with the stream's bounds, resolving with the entry's id once Redis has
   * answered. That answer is the acknowledgement: the event is in the stream, and every running tail
   * will deliver it (durable only as far as the Redis persistence settings make it).
   *
   * Appends of one broker reach the stream in call order, each at most once, across reconnects,
   * Redis restarts and script reloads: one ordered pipeline, and a (producer, seq) that the append
   * script stores once (see `retryUncertain`). It never drops an event silently; it rejects with a
   * `RedisBrokerError`:
   * - `TIMEOUT`: not written to Redis within `commandTimeoutMs` (Redis unreachable): not stored.
   *   While Redis is down, appends wait (in order) and go out when it is back, within that time.
   *   Once written, an append waits for Redis's answer, even a late one.
   * - `UNCERTAIN`: written to a connection that died before the answer, and not resent in time
   *   (or `retryUncertain: false`): Redis may have stored it. A connection with commands in flight
   *   and no answer for `commandTimeoutMs` (a paused Redis) is taken for dead.
   * - `REDIS_ERROR`: Redis refused it (wrong key type, out of memory…). `CLOSED`: the broker is closed.
   */
  append(entry: BrokerEntry): Promise<string> {
    return this.#commands.append(entry);
  }

  /** This broker's producer id: its appends' dedupe record is `<key>:producer:<id>` in Redis. */
  get producerId(): string {
    return this.#commands.producerId;
  }

  /**
   * Events after `lastEventId`, oldest first, exactly: each entry must name the one before it as its
   * `prev`, starting from `lastEventId`. Read in pages of `batchSize`, at most `maxEvents` in all, up
   * to the newest entry at the time of the call. A reset carries the newest id as `lastId`:
   * `malformed` for an id that is not `<ms>-<seq>`; `too-old` when entries after it were trimmed or
   * more than `maxEvents` follow; `unknown-epoch` when it was never in this stream (newer than the
   * newest entry, or missing from the chain: a Redis restart without persistence).
   */
  readSince(lastEventId: string, options: ReadSinceOptions = {}): Promise<ReadResult> {
    return readSince(this.#commands, lastEventId, {
      ...options,
      key: this.key,
      pageSize: this.#batchSize,
      maxEvents: this.#maxEvents,
    });
  }

  /** The newest entry id in the stream, `0-0` when it is empty. */
  lastId(): Promise<string> {
    return readLastId(this.#commands, this.key);
  }

  /**
   * Receive every event appended from now on, by any process, in stream order, in batches. The first
   * call starts the tail (a publisher that never subscribes opens no blocking connection); its
   * starting point is read before any append this process makes afterwards. Returns unsubscribe.
   *
   * `onReset` is called when the tail finds that events were lost before the next one it delivers
   * (see `onGap`), with the id after which it goes on: `0-0` when Redis restarted empty, and then
   * every entry of the new stream follows, from its first.
   */
  subscribe(
    listener: (events: readonly BrokerEvent[]) => void,
    options: BrokerSubscribeOptions = {},
  ): () => void {
    if (this.#closing) return () => {};
    const subscription: Subscription = { listener, onReset: options.onReset };
    this.#subscriptions.add(subscription);
    this.#tail.start();
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  /** Order two stream ids; `undefined` when either is not a canonical `<ms>-<seq>` id. */
  compare(a: string, b: string): number | undefined {
    return compareStreamIds(a, b);
  }

  /**
   * Stop the tail, fail waiting commands with `CLOSED`, and close the connections the broker opened.
   * A client passed in stays open.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#subscriptions.clear();
    const tailStopped = this.#tail.stop();
    // Cut short what the tail may be waiting on: its XREAD, or its starting point while Redis is down.
    this.#blocking.disconnect();
    this.#commands.close();
    await tailStopped;
    if (this.#ownsCommandClient) await quit(this.#commands.client);
  }

  #deliver(events: readonly BrokerEvent[]): void {
    for (const { listener } of this.#subscriptions) {
      try {
        listener(events);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /** The tail delivered everything before the gap already: each subscriber resets, then goes on. */
  #gap(gap: RedisBrokerGap): void {
    try {
      this.#onGap(gap);
    } catch (error) {
      this.#onError(error);
    }
    const reset = { reason: gap.reason, lastId: gap.lastId };
    for (const { onReset } of this.#subscriptions) {
      try {
        onReset?.(reset);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/** Quit gracefully (answers to commands in flight still arrive) when connected, else just drop. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through: the connection broke while quitting.
    }
  }
  client.disconnect();
}

function checkOptions(options: {
  key: string;
  maxEvents: number;
  maxAgeMs: number | null;
  blockMs: number;
  batchSize: number;
  commandTimeoutMs: number | null;
}): void {
  const fail = (message: string): never => {
    throw new RedisBrokerError(RedisBrokerErrorCode.INVALID_OPTION, message);
  };
  if (typeof options.key !== 'string' || options.key === '') fail('key must be a non-empty string');
  if (!Number.isSafeInteger(options.maxEvents) || options.maxEvents < 1)
    fail('maxEvents must be an integer ≥ 1');
  if (options.maxAgeMs !== null && !(options.maxAgeMs > 0)) fail('maxAgeMs must be > 0 or null');
  // 0 would block forever, and the tail checks for a reset stream whenever a block ends empty.
  if (!Number.isSafeInteger(options.blockMs) || options.blockMs < 1)
    fail('blockMs must be an integer ≥ 1');
  if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1)
    fail('batchSize must be an integer ≥ 1');
  if (options.commandTimeoutMs !== null && !(options.commandTimeoutMs > 0)) {
    fail('commandTimeoutMs must be > 0 or null');
  }
}

/**
 * Create a broker on a Redis stream. See `RedisBroker`.
 *
 * @example
 * ```ts
 * const broker = redisBroker({ url: 'redis://localhost:6379' }, { key: 'market:events', maxEvents: 50_000 });
 * const sse = createSseServer(contract, { broker });
 * ```
 */
export function redisBroker(
  connection: RedisConnectionOptions,
  options: RedisBrokerOptions = {},
): RedisBroker {
  return new RedisBroker(connection, options);
}
