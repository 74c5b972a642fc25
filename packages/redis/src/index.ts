// @ssekit/redis's public API, for apps that run several server processes on one log: the broker to
// give `createSseServer`, a publisher for processes that only publish, and the broker's errors.
export {
  RedisBroker,
  type RedisBrokerOptions,
  type RedisConnectionOptions,
  redisBroker,
} from './broker.js';
export { RedisBrokerError, RedisBrokerErrorCode, type RedisBrokerErrorJson } from './errors.js';
export {
  createRedisPublisher,
  type RedisPublisher,
  type RedisPublishOptions,
} from './publisher.js';
export type { RedisBrokerGap } from './tail.js';
