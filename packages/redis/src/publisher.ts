import {
  type AnyContract,
  type EventData,
  type EventName,
  encodeData,
  SseError,
  SseErrorCode,
} from '@ssekit/core';
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
   * `SseError` `UNKNOWN_EVENT` for a name the contract does not have, and with `RedisBrokerError`
   * when Redis did not acknowledge.
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
  options: RedisConnectionOptions & RedisBrokerOptions,
): RedisPublisher<TContract> {
  const broker = new RedisBroker(options, options);
  return {
    broker,
    async publish(name, data, publishOptions = {}) {
      const schema = Object.hasOwn(contract.events, name) ? contract.events[name] : undefined;
      if (!schema) {
        throw new SseError(SseErrorCode.UNKNOWN_EVENT, `Unknown event ${JSON.stringify(name)}`, {
          event: name,
        });
      }
      const encoded = encodeData(schema, data, name);
      return broker.append({ event: name, topic: publishOptions.topic, data: encoded });
    },
    close: () => broker.close(),
  };
}
