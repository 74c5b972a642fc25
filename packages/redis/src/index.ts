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
