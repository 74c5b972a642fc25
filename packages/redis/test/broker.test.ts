import { defineContract, SseError, SseValidationError } from '@ssekit/core';
import type { BrokerEvent } from '@ssekit/server';
import { nextTurn } from '@ssekit/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createRedisPublisher,
  RedisBrokerError,
  type RedisBrokerGap,
  redisBroker,
} from '../src/index.js';
import { collect, entry, ns, startRedis, type TestRedis, waitFor } from './utils.js';

let redis: TestRedis;
let raw: Redis;
let keys = 0;
/** A fresh stream key per test: one server for the file, no test sees another's entries. */
const freshKey = () => `test:${++keys}`;

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});

afterAll(async () => {
  raw?.disconnect();
  await redis?.[Symbol.asyncDispose]();
});

function toEvents(raw: [string, string[]][]): BrokerEvent[] {
  return raw.map(([id, f]) => ({
    id,
    event: f[f.indexOf('event') + 1]!,
    topic: undefined,
    data: f[f.indexOf('data') + 1]!,
  }));
}

describe('redisBroker: append', () => {
  it('resolves with increasing stream ids and stores prev, event, topic (only when given) and data', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await broker.append(entry(n, n % 2 ? 'AAPL' : undefined)));
    const concurrent = await Promise.all([0, 1, 2, 3, 4].map((n) => broker.append(entry(10 + n))));
    ids.push(...concurrent);
    for (let i = 1; i < ids.length; i++)
      expect(broker.compare(ids[i - 1]!, ids[i]!)).toBeLessThan(0);

    const stored = (await raw.xrange(key, '-', '+')) as [string, string[]][];
    expect(stored.map(([id]) => id)).toEqual(ids);
    expect(stored[0]![1]).toEqual(['prev', '0-0', 'event', 'tick', 'data', '{"n":0}']);
    expect(stored[1]![1]).toEqual([
      'prev',
      ids[0],
      'event',
      'tick',
      'topic',
      'AAPL',
      'data',
      '{"n":1}',
    ]);
    expect(await broker.lastId()).toBe(ids.at(-1));
    await broker.close();
  });

  it('keeps about maxEvents entries (MAXLEN ~)', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key, maxEvents: 50 });
    for (let n = 0; n < 1_000; n++) await broker.append(entry(n));
    const length = await raw.xlen(key);
    expect(length).toBeGreaterThanOrEqual(50);
    expect(length).toBeLessThanOrEqual(50 + 100); // stream-node-max-entries: ~ trims whole nodes
    await broker.close();
  });

  it('trims by age with maxAgeMs (MINID ~, by the entries’ own time)', async () => {
    const key = freshKey();
    await raw.config('SET', 'stream-node-max-entries', '2');
    try {
      const broker = redisBroker({ url: redis.url }, { key, maxAgeMs: 200 });
      const old = [];
      for (let n = 0; n < 6; n++) old.push(await broker.append(entry(n)));
      await nextTurn(300);
      const fresh = await broker.append(entry(6));
      const left = ((await raw.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id);
      expect(left).toContain(fresh);
      expect(left.length).toBeLessThanOrEqual(2);
      expect(await broker.readSince(old[0]!)).toEqual({
        type: 'reset',
        reason: 'too-old',
        lastId: fresh,
      });
      await broker.close();
    } finally {
      await raw.config('SET', 'stream-node-max-entries', '100');
    }
  });

  it('rejects with TIMEOUT, without sending, when Redis is unreachable for commandTimeoutMs', async () => {
    const broker = redisBroker(
      { url: 'redis://127.0.0.1:1', redisOptions: { retryStrategy: () => 50 } },
      { commandTimeoutMs: 200 },
    );
    const error = await broker.append(entry(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisBrokerError);
    expect((error as RedisBrokerError).code).toBe('TIMEOUT');
    await broker.close();
    const closed = await broker.append(entry(2)).catch((e: unknown) => e);
    expect((closed as RedisBrokerError).code).toBe('CLOSED');
  });

  it('rejects with UNCERTAIN when Redis stalls past commandTimeoutMs (the socket is dropped), and stores it at most once', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key, commandTimeoutMs: 200 });
    await broker.append(entry(0));
    redis.pause();
    let error: unknown;
    try {
      error = await broker.append(entry(1)).catch((e: unknown) => e);
    } finally {
      redis.resume();
    }
    expect((error as RedisBrokerError).code).toBe('UNCERTAIN');
    // Whether Redis ran the dropped socket's copy or not, the broker's probe after the reconnect
    // settles it, and nothing is stored twice.
    await broker.append(entry(2));
    const stored = ns(toEvents(await raw.xrange(key, '-', '+')));
    expect([
      [0, 2],
      [0, 1, 2],
    ]).toContainEqual(stored);
    await broker.close();
  });

  it('waits for a late answer once sent: a Redis busy for less than commandTimeoutMs acknowledges', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key, commandTimeoutMs: 1_000 });
    await broker.append(entry(0));
    const busy = new Redis(redis.url);
    const script =
      "local s = redis.call('TIME') repeat local t = redis.call('TIME') until (t[1] - s[1]) * 1000000 + t[2] - s[2] > 500000";
    const running = busy.eval(script, 0);
    await nextTurn(50);
    const id = await broker.append(entry(1));
    await running;
    busy.disconnect();
    expect((await raw.xrange(key, '-', '+')).map(([x]) => x).at(-1)).toBe(id);
    await broker.close();
  });

  it('validates its options', () => {
    expect(() => redisBroker({ url: redis.url }, { maxEvents: 0 })).toThrow(/maxEvents/);
    expect(() => redisBroker({ url: redis.url }, { blockMs: 0 })).toThrow(/blockMs/);
    expect(() => redisBroker({ url: redis.url }, { key: '' })).toThrow(/key/);
  });
});

describe('redisBroker: subscribe', () => {
  it('delivers appends from another instance and its own, to every instance in one order', async () => {
    const key = freshKey();
    const a = redisBroker({ url: redis.url }, { key, blockMs: 200 });
    const b = redisBroker({ url: redis.url }, { key, blockMs: 200 });
    const seenA = await collect(a);
    const seenB = await collect(b);
    seenA.length = 0;
    const appends: Promise<string>[] = [];
    for (let n = 0; n < 200; n++) appends.push((n % 2 ? a : b).append(entry(n)));
    const ids = await Promise.all(appends);
    await waitFor(
      () => seenA.length >= 200 && seenB.length >= 200,
      'both tails deliver 200 events',
    );

    const stored = ((await raw.xrange(key, '-', '+')) as [string, string[]][])
      .map(([id]) => id)
      .slice(-200);
    expect(seenA.map((e) => e.id)).toEqual(stored);
    expect(seenB.map((e) => e.id)).toEqual(stored);
    expect(new Set(stored)).toEqual(new Set(ids));
    expect(seenA[0]).toMatchObject({ event: 'tick', topic: undefined });
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers an append made right after subscribe in the same process', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key });
    const seen: BrokerEvent[] = [];
    broker.subscribe((events) => seen.push(...events));
    const id = await broker.append(entry(1));
    await waitFor(() => seen.length === 1, 'the first append arrives');
    expect(seen[0]!.id).toBe(id);
    await broker.close();
  });

  it('starts at the newest entry: earlier events are not delivered', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key });
    for (let n = 0; n < 3; n++) await broker.append(entry(n));
    const seen = await collect(broker);
    await broker.append(entry(3));
    await waitFor(() => seen.length === 1, 'the new append arrives');
    expect(ns(seen)).toEqual([3]);
    await broker.close();
  });

  it('keeps delivering when a subscriber throws, and reports it to onError', async () => {
    const key = freshKey();
    const errors: unknown[] = [];
    const broker = redisBroker({ url: redis.url }, { key, onError: (e) => errors.push(e) });
    broker.subscribe(() => {
      throw new Error('boom');
    });
    const seen = await collect(broker);
    await broker.append(entry(1));
    await waitFor(() => seen.length === 1, 'the event arrives');
    expect(errors.some((e) => e instanceof Error && e.message === 'boom')).toBe(true);
    await broker.close();
  });

  it('calls onReset of every current subscriber on a gap; one that throws goes to onError', async () => {
    const key = freshKey();
    const errors: unknown[] = [];
    const broker = redisBroker({ url: redis.url }, { key, onError: (e) => errors.push(e) });
    const calls: string[] = [];
    broker.subscribe(() => {}, {
      onReset: () => {
        calls.push('throws');
        throw new Error('reset boom');
      },
    });
    const off = broker.subscribe(() => {}, { onReset: () => calls.push('gone') });
    off();
    const resets: { reason: string; lastId: string }[] = [];
    const seen = await collect(broker, { onReset: (reset) => resets.push(reset) });
    const a = await broker.append(entry(1));
    const b = await broker.append(entry(2));
    await waitFor(() => seen.length === 2, 'two events arrive');
    await raw.xdel(key, b);
    const c = await broker.append(entry(3));
    await waitFor(() => seen.length === 3, 'the entry after the gap arrives');
    expect(seen.map((x) => x.id)).toEqual([a, b, c]);
    expect(calls).toEqual(['throws']);
    expect(resets).toEqual([{ reason: 'unknown-epoch', lastId: a }]);
    expect(errors.some((e) => e instanceof Error && e.message === 'reset boom')).toBe(true);
    await broker.close();
  });

  it('notices a stream that went back below the last id read, and goes on from its newest entry', async () => {
    const key = freshKey();
    const gaps: RedisBrokerGap[] = [];
    const broker = redisBroker(
      { url: redis.url },
      { key, blockMs: 100, onGap: (g) => gaps.push(g) },
    );
    const seen = await collect(broker);
    // An entry far in the future, then the stream is lost: new ids are all lower than the last seen,
    // so XREAD would wait for ever; the check after an empty block notices.
    const last = await broker.lastId();
    await raw.xadd(key, '99999999999999-0', 'prev', last, 'event', 'tick', 'data', '{"n":0}');
    await waitFor(() => seen.length === 1, 'the future entry arrives');
    await raw.del(key);
    const skipped = await broker.append(entry(1));
    await waitFor(() => gaps.length === 1, 'the reset is noticed');
    expect(gaps).toEqual([{ reason: 'unknown-epoch', after: '99999999999999-0', lastId: skipped }]);
    // Entries up to the newest at that moment are skipped (the gap covers them), later ones flow.
    const id = await broker.append(entry(2));
    await waitFor(() => seen.length >= 2, 'the next entry arrives');
    expect(seen.map((e) => e.id)).toEqual(['99999999999999-0', id]);
    await broker.close();
  });

  it('after a failover to a replica that lagged, reads on from where the chains part, once', async () => {
    const key = freshKey();
    const gaps: RedisBrokerGap[] = [];
    const broker = redisBroker({ url: redis.url }, { key, onGap: (g) => gaps.push(g) });
    const resets: { reason: string; lastId: string }[] = [];
    const seen = await collect(broker, { onReset: (reset) => resets.push(reset) });
    const a = await broker.append(entry(1));
    const b = await broker.append(entry(2));
    const c = await broker.append(entry(3));
    await waitFor(() => seen.length === 3, 'three events arrive');
    // The replica had `a` only: `b` and `c` are gone, and the next entry names `a` as its prev.
    await raw.xdel(key, b, c);
    const d = await broker.append(entry(4));
    const e = await broker.append(entry(5));
    await waitFor(() => seen.length === 5, 'the entries after the failover arrive');
    expect(seen.map((x) => x.id)).toEqual([a, b, c, d, e]);
    expect(gaps).toEqual([{ reason: 'unknown-epoch', after: c, lastId: a }]);
    // Subscribers are told where the stream goes on: right after `a`, so `d` and `e` follow.
    expect(resets).toEqual([{ reason: 'unknown-epoch', lastId: a }]);
    await broker.close();
  });

  it('reports entries trimmed before the tail read them as a too-old gap', async () => {
    const key = freshKey();
    const gaps: RedisBrokerGap[] = [];
    const broker = redisBroker({ url: redis.url }, { key, onGap: (g) => gaps.push(g) });
    const seen = await collect(broker);
    const after = await broker.lastId();
    // Entries trimmed behind the tail's back: the next one names a prev the tail never saw.
    const missed = await raw.xadd(key, '*', 'prev', after, 'event', 'tick', 'data', '{"n":0}');
    const next = await raw.xadd(key, '*', 'prev', missed!, 'event', 'tick', 'data', '{"n":1}');
    await raw.xdel(key, missed!);
    await waitFor(() => seen.length >= 1, 'the next entry arrives');
    if (seen[0]!.id === missed) {
      // The tail won the race and read both: no gap to report.
      expect(gaps).toEqual([]);
    } else {
      expect(seen.map((e) => e.id)).toEqual([next]);
      expect(gaps).toEqual([{ reason: 'too-old', after, lastId: missed }]);
    }
    await broker.close();
  });
});

describe('redisBroker: readSince', () => {
  it('replays exactly what follows an id, page by page, and nothing when it is the newest', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key, batchSize: 3 });
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) ids.push(await broker.append(entry(n, n % 3 ? undefined : 'X')));
    for (let k = 0; k < 20; k++) {
      const result = await broker.readSince(ids[k]!);
      expect(result.type).toBe('events');
      if (result.type !== 'events') continue;
      expect(result.events.map((e) => e.id)).toEqual(ids.slice(k + 1));
      expect(ns(result.events)).toEqual(Array.from({ length: 19 - k }, (_, i) => k + 1 + i));
    }
    const replay = await broker.readSince(ids[0]!);
    expect(replay.type === 'events' && replay.events[2]).toMatchObject({
      topic: 'X',
      event: 'tick',
    });
    await broker.close();
  });

  it('answers malformed for ids that are not canonical stream ids', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key });
    const last = await broker.append(entry(0));
    for (const id of ['', 'abc', 'k3f9a2-41', '1-2-3', '01-1', '18446744073709551616-0']) {
      expect(await broker.readSince(id)).toEqual({
        type: 'reset',
        reason: 'malformed',
        lastId: last,
      });
    }
    await broker.close();
  });

  it('answers unknown-epoch for ids this stream never held', async () => {
    const key = freshKey();
    const broker = redisBroker({ url: redis.url }, { key });
    expect(await broker.readSince('0-0')).toEqual({ type: 'events', events: [] });
    expect(await broker.readSince('5-0')).toEqual({
      type: 'reset',
      reason: 'unknown-epoch',
      lastId: '0-0',
    });
    const a = await broker.append(entry(0));
    await nextTurn(5);
    const b = await broker.append(entry(1));
    const [ms, seq] = a.split('-');
    const between = `${ms}-${Number(seq) + 1}`;
    expect(broker.compare(a, between)).toBeLessThan(0);
    expect(broker.compare(between, b)).toBeLessThan(0);
    expect(await broker.readSince(between)).toEqual({
      type: 'reset',
      reason: 'unknown-epoch',
      lastId: b,
    });
    expect(await broker.readSince(`${Date.now() + 60_000}-0`)).toEqual({
      type: 'reset',
      reason: 'unknown-epoch',
      lastId: b,
    });
    const all = await broker.readSince('0-0');
    expect(all.type === 'events' && all.events.map((e) => e.id)).toEqual([a, b]);
    await broker.close();
  });

  it('tells a trimmed id (too-old) from the one just before the oldest entry (exact resume)', async () => {
    const key = freshKey();
    await raw.config('SET', 'stream-node-max-entries', '4');
    try {
      const writer = redisBroker({ url: redis.url }, { key, maxEvents: 10 });
      const ids: string[] = [];
      for (let n = 0; n < 60; n++) ids.push(await writer.append(entry(n)));
      const kept = ((await raw.xrange(key, '-', '+')) as [string, string[]][]).map(([id]) => id);
      expect(kept.length).toBeGreaterThanOrEqual(10);
      expect(kept.length).toBeLessThan(20);
      const first = ids.indexOf(kept[0]!);
      expect(ids.slice(first)).toEqual(kept);

      // The writer replays at most maxEvents: 10 after an id is fine, 11 is too old.
      const ten = await writer.readSince(ids[49]!);
      expect(ten.type === 'events' && ns(ten.events)).toEqual([
        50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
      ]);
      expect(await writer.readSince(ids[48]!)).toMatchObject({ type: 'reset', reason: 'too-old' });

      // A reader with a larger bound resumes from the last trimmed id exactly, not from older ones.
      const reader = redisBroker({ url: redis.url }, { key, maxEvents: 1_000 });
      const exact = await reader.readSince(ids[first - 1]!);
      expect(exact.type === 'events' && exact.events.map((e) => e.id)).toEqual(kept);
      expect(await reader.readSince(ids[first - 2]!)).toEqual({
        type: 'reset',
        reason: 'too-old',
        lastId: ids[59],
      });
      expect(await reader.readSince(ids[0]!)).toEqual({
        type: 'reset',
        reason: 'too-old',
        lastId: ids[59],
      });
      await Promise.all([writer.close(), reader.close()]);
    } finally {
      await raw.config('SET', 'stream-node-max-entries', '100');
    }
  });
});

describe('redisBroker: connections', () => {
  it('leaves a client passed in open, and closes the duplicate it made for the tail', async () => {
    const key = freshKey();
    const client = new Redis(redis.url);
    const broker = redisBroker({ client }, { key });
    await collect(broker);
    await broker.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('publisher: validates against the contract, appends, and opens no tail connection', async () => {
    const key = freshKey();
    const contract = defineContract({
      events: { price: z.object({ symbol: z.string(), price: z.number() }) },
    });
    const redisOptions = { connectionName: 'publisher-test' };
    const publisher = createRedisPublisher(contract, { url: redis.url, redisOptions, key });
    const id = await publisher.publish('price', { symbol: 'AAPL', price: 1 }, { topic: 'AAPL' });
    const named = String(await raw.client('LIST')).match(/name=publisher-test /g);
    expect(named).toHaveLength(1);

    const invalid = await publisher
      .publish('price', { symbol: 'AAPL', price: 'x' as never })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(SseValidationError);
    const unknown = await publisher.publish('nope' as never, {} as never).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(SseError);
    expect((unknown as SseError).code).toBe('UNKNOWN_EVENT');

    const stored = (await raw.xrange(key, '-', '+')) as [string, string[]][];
    expect(stored).toEqual([
      [
        id,
        ['prev', '0-0', 'event', 'price', 'topic', 'AAPL', 'data', '{"symbol":"AAPL","price":1}'],
      ],
    ]);
    await publisher.close();
  });
});
