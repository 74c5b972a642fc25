// @ssekit/test-kit: the helpers every package's tests share (private, never published).
// See CONTRIBUTING.md for which test loop uses which.
export { CHROMIUM_CANDIDATES, findChromium, launchChromium } from './chromium.js';
export { freePort } from './free-port.js';
export { type HttpTestServer, startHttpServer } from './http-server.js';
export { comparableIssue } from './issues.js';
export { createRandom, type Random } from './random.js';
export { REDIS_MISSING, startRedis, type TestRedis, type TestRedisOptions } from './redis.js';
export { nextTurn, quietPeriod, type WaitForOptions, waitFor } from './wait-for.js';
