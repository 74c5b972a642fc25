// The fault suite: Redis restarts (AOF on and off), SCRIPT FLUSH, CLIENT KILL and a paused Redis,
// each checked for per-publisher order, no duplicate, and no acknowledged event lost silently.
// SSEKIT_FAULT_RUNS=5 repeats each scenario (the long run of packages/redis/README.md).
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisBroker } from '../src/index.js';
import { checkDelivery, RecordingPublisher, record, ticks } from './fault-harness.js';
import { startTestRedis, waitFor } from './utils.js';

const RUNS = Number(process.env.SSEKIT_FAULT_RUNS ?? 1);
const runs = Array.from({ length: RUNS }, (_, i) => i + 1);
// Reconnect quickly, so that timings do not depend on ioredis's growing default delays.
const redisOptions = { retryStrategy: () => 50 };

describe.each(runs)('faults (run %i)', () => {
  it('SCRIPT FLUSH while publishing: stored in call order, each once', async () => {
    await using redis = await startTestRedis();
    const raw = new Redis(redis.url);
    raw.on('error', () => {});
    const key = 'flush';
    const subscriber = redisBroker({ url: redis.url, redisOptions }, { key, blockMs: 200 });
    const received = await record(subscriber);
    const brokers = [0, 1].map(() => redisBroker({ url: redis.url, redisOptions }, { key }));
    const publishers = brokers.map((b, i) => new RecordingPublisher(b, `p${i}`));
    const loops = publishers.map((p) => p.run({ everyMs: 2, burst: 3 }));
    for (let i = 0; i < 30; i++) {
      await sleep(15);
      await raw.script('FLUSH');
    }
    await Promise.all(loops.map((l) => l.stop()));
    // NOSCRIPT means not executed: never UNCERTAIN. (TIMEOUT only if the machine cannot keep up.)
    for (const p of publishers) expect(p.count('rejected')).toBe(p.count('rejected', 'TIMEOUT'));
    const stored = ticks(
      ((await raw.xrange(key, '-', '+')) as [string, string[]][]).map(([id, f]) => ({
        id,
        event: f[f.indexOf('event') + 1]!,
        topic: undefined,
        data: f[f.indexOf('data') + 1]!,
      })),
    );
    for (const p of ['p0', 'p1']) {
      const ns = stored.filter((t) => t.p === p).map((t) => t.n);
      const acked = publishers
        .flatMap((x) => x.publishes)
        .filter((x) => x.p === p && x.outcome.type === 'stored')
        .map((x) => x.n);
      expect(ns).toEqual(acked);
    }
    await checkDelivery(publishers, received);
    raw.disconnect();
    await Promise.all([...brokers, subscriber].map((b) => b.close()));
  });

  it('publishes that waited out an outage and were answered late are acknowledged, not UNCERTAIN', async () => {
    await using redis = await startTestRedis();
    const key = 'late';
    const client = new Redis(redis.url, {
      retryStrategy: () => 300,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
    });
    client.on('error', () => {});
    const publisher = redisBroker({ client }, { key, commandTimeoutMs: 1_000 });
    const pub = new RecordingPublisher(publisher, 'p0');
    await pub.publish().settled;
    await redis.kill();
    await waitFor(() => client.status !== 'ready', 'the client sees the crash');
    const loop = pub.run({ everyMs: 10, burst: 1 });
    await sleep(1_200);
    await redis.start();
    // Redis is back, but holds writes for a while: what was queued goes out, and is answered late.
    const raw = new Redis(redis.url);
    await raw.client('PAUSE', 600, 'WRITE');
    await sleep(800);
    await loop.stop();
    // Nothing was in flight when Redis died: every publish was stored or never sent.
    expect(pub.count('rejected', 'UNCERTAIN')).toBe(0);
    expect(pub.count('rejected', 'TIMEOUT')).toBeGreaterThan(0);
    const stored = new Set(
      ((await raw.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id),
    );
    for (const x of pub.publishes) {
      expect(x.outcome.type === 'stored' ? stored.has(x.outcome.id) : false).toBe(
        x.outcome.type === 'stored' && x.n > 0,
      );
    }
    expect(stored.size).toBe(pub.count('stored') - 1);
    raw.disconnect();
    await publisher.close();
    client.disconnect();
  });

  it.each([
    { name: 'without persistence', appendfsync: null },
    { name: 'with AOF everysec', appendfsync: 'everysec' },
  ] as const)('Redis restarts (SIGKILL) $name while publishing', async ({ appendfsync }) => {
    await using redis = await startTestRedis({ appendfsync });
    const key = 'restart';
    const subscriber = redisBroker({ url: redis.url, redisOptions }, { key, blockMs: 200 });
    const received = await record(subscriber);
    const brokers = [0, 1].map(() =>
      redisBroker({ url: redis.url, redisOptions }, { key, commandTimeoutMs: 1_000 }),
    );
    const publishers = brokers.map((b, i) => new RecordingPublisher(b, `p${i}`));
    const loops = publishers.map((p) => p.run({ everyMs: 5, burst: 2 }));
    await sleep(300);
    await redis.kill();
    await sleep(1_500);
    await redis.start();
    await sleep(500);
    await Promise.all(loops.map((l) => l.stop()));
    for (const p of publishers) {
      // Early in the outage appends gave up unsent; the last second's waited and were stored.
      expect(p.count('rejected', 'TIMEOUT')).toBeGreaterThan(0);
      expect(p.count('stored')).toBeGreaterThan(0);
    }
    await checkDelivery(publishers, received);
    const resets = received.items.filter((x) => x.type === 'reset').length;
    expect(resets).toBe(appendfsync ? 0 : 1);
    await Promise.all([...brokers, subscriber].map((b) => b.close()));
  });

  it.each([{ retryUncertain: true }, { retryUncertain: false }])(
    "CLIENT KILL of the brokers' connections while publishing (retryUncertain: $retryUncertain)",
    async ({ retryUncertain }) => {
      await using redis = await startTestRedis();
      const raw = new Redis(redis.url);
      raw.on('error', () => {});
      const key = 'kill';
      const subscriber = redisBroker({ url: redis.url, redisOptions }, { key, blockMs: 200 });
      const received = await record(subscriber);
      const brokers = [0, 1].map(() =>
        redisBroker({ url: redis.url, redisOptions }, { key, retryUncertain }),
      );
      const publishers = brokers.map((b, i) => new RecordingPublisher(b, `p${i}`));
      const loops = publishers.map((p) => p.run({ everyMs: 2, burst: 3 }));
      for (let i = 0; i < 15; i++) {
        await sleep(60);
        await raw.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      }
      await sleep(200);
      await Promise.all(loops.map((l) => l.stop()));
      // With retries, appends in flight on a killed connection were resent under the same seq: none
      // UNCERTAIN. (TIMEOUT only if the machine cannot keep up.)
      if (retryUncertain)
        for (const p of publishers)
          expect(p.count('rejected')).toBe(p.count('rejected', 'TIMEOUT'));
      else for (const p of publishers) expect(p.count('rejected', 'REDIS_ERROR')).toBe(0);
      await checkDelivery(publishers, received);
      // Stored: every acknowledged append, and some UNCERTAIN ones (each once: checkDelivery).
      const stored = (await raw.xlen(key)) - 1; // the subscriber's marker
      const acked = publishers.reduce((sum, p) => sum + p.count('stored'), 0);
      const uncertain = publishers.reduce((sum, p) => sum + p.count('rejected', 'UNCERTAIN'), 0);
      expect(stored).toBeGreaterThanOrEqual(acked);
      expect(stored).toBeLessThanOrEqual(acked + uncertain);
      raw.disconnect();
      await Promise.all([...brokers, subscriber].map((b) => b.close()));
    },
  );

  it('a paused Redis (SIGSTOP) for longer than commandTimeoutMs while publishing', async () => {
    await using redis = await startTestRedis();
    const key = 'pause';
    const subscriber = redisBroker({ url: redis.url, redisOptions }, { key, blockMs: 200 });
    const received = await record(subscriber);
    const brokers = [0, 1].map(() =>
      redisBroker({ url: redis.url, redisOptions }, { key, commandTimeoutMs: 500 }),
    );
    const publishers = brokers.map((b, i) => new RecordingPublisher(b, `p${i}`));
    const loops = publishers.map((p) => p.run({ everyMs: 5, burst: 2 }));
    await sleep(300);
    redis.pause();
    try {
      await sleep(1_200);
    } finally {
      redis.resume();
    }
    await sleep(800);
    await Promise.all(loops.map((l) => l.stop()));
    for (const p of publishers) expect(p.count('stored')).toBeGreaterThan(0);
    await checkDelivery(publishers, received);
    expect(received.items.filter((x) => x.type === 'reset')).toEqual([]);
    await Promise.all([...brokers, subscriber].map((b) => b.close()));
  });
});
