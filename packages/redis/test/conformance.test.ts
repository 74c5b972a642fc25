import { afterAll, beforeAll } from 'vitest';
import { describeBrokerConformance } from '../../server/test/broker-conformance.js';
import { RedisBroker } from '../src/index.js';
import { startRedis, type TestRedis } from './utils.js';

let redis: TestRedis;
let n = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.[Symbol.asyncDispose]());

describeBrokerConformance('redis', {
  create: ({ maxEvents }) =>
    new RedisBroker({ url: redis.url }, { key: `conformance:${n++}`, maxEvents, blockMs: 100 }),
});
