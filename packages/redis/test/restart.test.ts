import { nextTurn } from '@ssekit/test-kit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisBrokerError, type RedisBrokerGap, redisBroker } from '../src/index.js';
import { collect, entry, ns, startRedis, waitFor } from './utils.js';

// Reconnect quickly, so that the test's timings do not depend on ioredis's growing default delays.
const redisOptions = { retryStrategy: () => 100 };

type Phase = 'before' | 'outage' | 'after';
interface Outcome {
  readonly n: number;
  readonly phase: Phase;
  result?: { readonly id: string } | { readonly code: string };
  done?: Promise<void>;
}

describe('redisBroker across a Redis crash (SIGKILL, no persistence)', () => {
  it('recovers the tail; each publish during the outage is stored later or rejected, none lost silently', async () => {
    await using redis = await startRedis();
    const key = 'restart';
    const gaps: RedisBrokerGap[] = [];
    const subscriber = redisBroker(
      { url: redis.url, redisOptions },
      { key, blockMs: 200, onGap: (gap) => gaps.push(gap) },
    );
    const publisher = redisBroker(
      { url: redis.url, redisOptions },
      { key, commandTimeoutMs: 1_000 },
    );
    const seen = await collect(subscriber);

    let phase: Phase = 'before';
    let stop = false;
    const outcomes: Outcome[] = [];
    const publishing = (async () => {
      for (let n = 0; !stop; n++) {
        const outcome: Outcome = { n, phase };
        outcome.done = publisher.append(entry(n)).then(
          (id) => {
            outcome.result = { id };
          },
          (error: unknown) => {
            outcome.result = {
              code: error instanceof RedisBrokerError ? error.code : String(error),
            };
          },
        );
        outcomes.push(outcome);
        await nextTurn(20);
      }
    })();

    await nextTurn(300);
    phase = 'outage';
    await redis.kill();
    await nextTurn(1_500);
    await redis.start();
    phase = 'after';
    await nextTurn(700);
    stop = true;
    await publishing;
    await Promise.all(outcomes.map((o) => o.done));

    const acked = outcomes.filter((o) => o.result && 'id' in o.result);
    const rejected = outcomes.filter((o) => o.result && 'code' in o.result);
    // Every publish settled, as stored or as an error that says so.
    expect(acked.length + rejected.length).toBe(outcomes.length);
    for (const o of rejected)
      expect(['TIMEOUT', 'UNCERTAIN']).toContain((o.result as { code: string }).code);
    const during = outcomes.filter((o) => o.phase === 'outage');
    // Early in the outage, appends gave up after commandTimeoutMs; late ones went out once Redis was back.
    expect(during.filter((o) => o.result && 'code' in o.result).length).toBeGreaterThan(0);
    expect(during.filter((o) => o.result && 'id' in o.result).length).toBeGreaterThan(0);
    expect(
      outcomes.filter((o) => o.phase === 'after').every((o) => o.result && 'id' in o.result),
    ).toBe(true);

    // Every acknowledged event reached the subscriber of the other instance, once, in stream order.
    const ackedNs = acked.map((o) => o.n);
    await waitFor(
      () => ackedNs.every((n) => ns(seen).includes(n)),
      'every acknowledged event is delivered',
    );
    const delivered = ns(seen);
    expect(new Set(delivered).size).toBe(delivered.length);
    // Anything else delivered was an UNCERTAIN append that Redis had in fact stored.
    const uncertain = new Set(
      rejected.filter((o) => (o.result as { code: string }).code === 'UNCERTAIN').map((o) => o.n),
    );
    for (const n of delivered) expect(ackedNs.includes(n) || uncertain.has(n)).toBe(true);
    // The new server's stream, exactly, after the old one.
    const raw = new Redis(redis.url);
    const stored = ((await raw.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id);
    raw.disconnect();
    expect(seen.map((e) => e.id).slice(-stored.length)).toEqual(stored);
    // …and the subscriber was told that the stream it had been reading is gone.
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.reason).toBe('unknown-epoch');
    expect(gaps[0]!.after).toBe(seen[seen.length - stored.length - 1]!.id);

    await Promise.all([subscriber.close(), publisher.close()]);
  });

  it('an idle subscriber notices the empty restarted stream; old ids no longer resume', async () => {
    await using redis = await startRedis();
    const key = 'idle';
    const gaps: RedisBrokerGap[] = [];
    const broker = redisBroker(
      { url: redis.url, redisOptions },
      { key, blockMs: 100, onGap: (g) => gaps.push(g) },
    );
    const resets: { reason: string; lastId: string }[] = [];
    const seen = await collect(broker, { onReset: (reset) => resets.push(reset) });
    const old = await broker.append(entry(1));
    await waitFor(() => seen.length === 1, 'the first event arrives');

    await redis.kill();
    await nextTurn(300);
    await redis.start();
    await waitFor(() => gaps.length === 1, {
      message: 'the reset is noticed without any new event',
      timeoutMs: 10_000,
    });
    expect(gaps).toEqual([{ reason: 'unknown-epoch', after: old, lastId: '0-0' }]);
    // The subscriber (the hub, in a server) resets to `0-0`: all of the new stream follows.
    expect(resets).toEqual([{ reason: 'unknown-epoch', lastId: '0-0' }]);
    expect(await broker.readSince(old)).toEqual({
      type: 'reset',
      reason: 'unknown-epoch',
      lastId: '0-0',
    });

    const fresh = await broker.append(entry(2));
    await waitFor(() => seen.length === 2, 'the new stream is delivered');
    expect(seen[1]!.id).toBe(fresh);
    expect(await broker.readSince(old)).toEqual({
      type: 'reset',
      reason: 'unknown-epoch',
      lastId: fresh,
    });
    await broker.close();
  });

  it('a subscriber that starts while Redis is down begins once it is up', async () => {
    await using redis = await startRedis();
    await redis.kill();
    const errors: unknown[] = [];
    const broker = redisBroker(
      { url: redis.url, redisOptions },
      { key: 'late', blockMs: 100, commandTimeoutMs: 200, onError: (e) => errors.push(e) },
    );
    const seen: string[] = [];
    broker.subscribe((events) => seen.push(...events.map((e) => e.id)));
    await nextTurn(700);
    // The tail retries with backoff: a few attempts to read its starting point, not a busy loop.
    const timeouts = errors.filter(
      (e) => e instanceof RedisBrokerError && e.code === 'TIMEOUT',
    ).length;
    expect(timeouts).toBeGreaterThan(0);
    expect(timeouts).toBeLessThan(10);
    await redis.start();
    // Appends made before the tail has read its starting point are not live for it: keep appending
    // until one comes through, and check that it is one of ours.
    const appended: string[] = [];
    const deadline = Date.now() + 10_000;
    while (seen.length === 0) {
      if (Date.now() > deadline) throw new Error('the tail did not start once Redis was up');
      appended.push(await broker.append(entry(appended.length)));
      await nextTurn(50);
    }
    expect(appended).toContain(seen[0]);
    await broker.close();
  });

  it('closes at once while Redis is down, failing waiting appends with CLOSED', async () => {
    await using redis = await startRedis();
    await redis.kill();
    const broker = redisBroker({ url: redis.url, redisOptions }, { commandTimeoutMs: null });
    broker.subscribe(() => {});
    const waiting = broker.append(entry(1)).catch((e: unknown) => e);
    await nextTurn(200);
    const started = Date.now();
    await broker.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(((await waiting) as RedisBrokerError).code).toBe('CLOSED');
  });
});
