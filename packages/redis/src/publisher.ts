// `createRedisPublisher`: publishing from a process that serves no SSE (a worker, a cron job),
// through the same publish rule as `sse.publish` and a broker that never tails the stream.
import { type AnyContract, type EventData, type EventName, encodeBroadcast } from '@ssekit/core';
import { RedisBroker, type RedisBrokerOptions, type RedisConnectionOptions } from './broker.js';

/** Options of `publish`. */
export interface RedisPublishOptions {
  /** The topic subscribers can narrow this event to (`?topic=AAPL`). */
  topic?: string;
}

/** A process that publishes events without serving them: a worker, a cron job, a queue consumer. */
export interface RedisPublisher<TContract extends AnyContract> {
  /**
   * Validate and encode `data` with the event's schema (`z.encode`), then append it to the stream.
   * Resolves with the event id once Redis has stored it (see `RedisBroker.append`).
   * Rejects with `SseValidationError` when `data` does not match (nothing is sent), with
   * `SseError` `UNKNOWN_EVENT`, `INVALID_FIELD` (a bad topic) or `EVENT_TOO_LARGE` exactly as
   * `sse.publish` does (the same function checks both), and with `RedisBrokerError` when Redis did
   * not acknowledge.
   */
  publish<TName extends EventName<TContract>>(
    name: TName,
    data: EventData<TContract, TName>,
    options?: RedisPublishOptions,
  ): Promise<string>;
  /** The broker underneath, for `lastId()` and the like. */
  readonly broker: RedisBroker;
  /** Close the broker's connections. */
  close(): Promise<void>;
}

/**
 * A publisher-only broker: validates against the contract like `sse.publish` and appends to the
 * stream that the server processes tail. It opens one connection and never tails the stream.
 *
 * @example
 * ```ts
 * const publisher = createRedisPublisher(contract, { url: process.env.REDIS_URL! });
 * await publisher.publish('price', { symbol: 'AAPL', price: 191.2, at: new Date() }, { topic: 'AAPL' });
 * await publisher.close();
 * ```
 */
export function createRedisPublisher<TContract extends AnyContract>(
  contract: TContract,
  options: RedisConnectionOptions &
    RedisBrokerOptions & {
      /**
       * The largest event; give it the same value as the servers' `maxEventBytes`.
       * @default 262_144
       */
      maxEventBytes?: number;
    },
): RedisPublisher<TContract> {
  const broker = new RedisBroker(options, options);
  return {
    broker,
    async publish(name, data, publishOptions = {}) {
      const entry = encodeBroadcast(contract, name, data, {
        topic: publishOptions.topic,
        maxEventBytes: options.maxEventBytes,
      });
      return broker.append(entry);
    },
    close: () => broker.close(),
  };
}
