import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStreamIds } from '../src/ids.js';
import {
  createClients,
  type Received,
  readStream,
  startCluster,
  type TestClient,
  tickKey,
  ticksOf,
  warmUp,
} from './cluster/cluster.js';
import { type AppBundle, buildApp } from './cluster/processes.js';
import type { Outcome } from './cluster/protocol.js';
import { startRedis, waitFor } from './utils.js';

let bundle: AppBundle;
beforeAll(async () => {
  bundle = await buildApp();
});
afterAll(() => bundle?.[Symbol.dispose]());

const acked = (outcomes: readonly Outcome[]) => outcomes.filter((o) => 'id' in o);

/** What every client must have received: the stream, exactly. */
function expectStream(client: TestClient, stream: readonly { id: string; key: string }[]): void {
  const ticks = ticksOf(client);
  expect(ticks.map((t) => t.key)).toEqual(stream.map((e) => e.key));
  expect(ticks.map((t) => t.id)).toEqual(stream.map((e) => e.id));
}

describe('three server processes and a worker on one Redis stream', () => {
  it('every client, whatever its server, gets every event once, in the same order', async () => {
    await using redis = await startRedis();
    const key = 'cluster:fanout';
    await using cluster = await startCluster(bundle, { redisUrl: redis.url, key });
    await using clients = createClients(cluster.url, 9);
    await warmUp(cluster, clients);
    // The proxy spread the clients round-robin.
    const stats = await Promise.all(cluster.servers.map((s) => s.stats()));
    expect(stats.map((s) => s.connections)).toEqual([3, 3, 3]);

    const [fromServer, fromWorker] = await Promise.all([
      cluster.servers[0]!.publish({
        type: 'publish',
        src: 'server',
        count: 300,
        perTick: 10,
        everyMs: 0,
      }),
      cluster.worker.publish({
        type: 'publish',
        src: 'worker',
        count: 300,
        perTick: 10,
        everyMs: 0,
      }),
    ]);
    expect(acked(fromServer)).toHaveLength(300);
    expect(acked(fromWorker)).toHaveLength(300);
    const stream = await readStream(redis.url, key);
    expect(stream).toHaveLength(600);
    // The two publishers interleave in the stream, each in its own order.
    for (const src of ['server', 'worker']) {
      const ns = stream.filter((e) => e.key.startsWith(`${src}:`)).map((e) => e.key);
      expect(ns).toEqual(Array.from({ length: 300 }, (_, n) => `${src}:${n}`));
    }

    await waitFor(() => clients.all.every((c) => ticksOf(c).length >= stream.length), {
      message: 'every client receives every event',
      timeoutMs: 20_000,
    });
    await quietPeriod(200); // room for a duplicate to show up
    for (const client of clients.all) {
      expectStream(client, stream);
      expect(client.received.filter((r) => r.type === 'reset')).toEqual([]);
      expect(client.errors).toEqual([]);
    }
  }, 60_000);

  it('a server killed with SIGKILL mid-stream: its clients resume on the others, with no gap and no duplicate', async () => {
    await using redis = await startRedis();
    const key = 'cluster:kill';
    await using cluster = await startCluster(bundle, { redisUrl: redis.url, key });
    await using clients = createClients(cluster.url, 9);
    await warmUp(cluster, clients);
    const victim = cluster.servers[2]!;
    expect((await victim.stats()).connections).toBe(3);
    const opened = clients.all.map((c) => c.statuses.length);

    const publishing = Promise.all([
      cluster.servers[0]!.publish({
        type: 'publish',
        src: 'server',
        count: 300,
        perTick: 1,
        everyMs: 5,
      }),
      cluster.worker.publish({
        type: 'publish',
        src: 'worker',
        count: 300,
        perTick: 1,
        everyMs: 5,
      }),
    ]);
    // Mid-stream: once every client has some of the events.
    await waitFor(() => clients.all.every((c) => ticksOf(c).length >= 50), {
      message: 'the stream is flowing',
      timeoutMs: 10_000,
    });
    await victim.kill();
    const [fromServer, fromWorker] = await publishing;
    expect(acked(fromServer)).toHaveLength(300);
    expect(acked(fromWorker)).toHaveLength(300);
    const stream = await readStream(redis.url, key);
    expect(stream).toHaveLength(600);

    await waitFor(() => clients.all.every((c) => ticksOf(c).length >= stream.length), {
      message: 'every client receives every event',
      timeoutMs: 20_000,
    });
    await quietPeriod(200);
    for (const client of clients.all) {
      expectStream(client, stream);
      expect(client.received.filter((r) => r.type === 'reset')).toEqual([]);
    }
    // Exactly the victim's three clients lost their connection, and they are on the others now.
    const moved = clients.all.filter((c, i) =>
      c.statuses.slice(opened[i]).includes('reconnecting'),
    );
    expect(moved).toHaveLength(3);
    for (const c of moved) expect(c.client.status).toBe('open');
    const survivors = await Promise.all(cluster.servers.slice(0, 2).map((s) => s.stats()));
    expect(survivors.reduce((sum, s) => sum + s.connections, 0)).toBe(9);
    // They resumed from their last id: the survivors replayed what the kill cut off, if anything.
    expect(survivors.reduce((sum, s) => sum + s.resets, 0)).toBe(0);
  }, 60_000);
});

type Tick = Extract<Received, { type: 'tick' }>;
interface StreamEntry {
  readonly id: string;
  readonly key: string;
}

/**
 * What a client connected through a Redis restart without persistence receives, exactly (see the
 * README, "What a client sees when Redis restarts"): the events of the old stream that its server's tail had read, in order
 * and with no gap, then one `ssekit.reset` (`unknown-epoch`, id `0-0`), then every event of the new
 * stream from its first. Acknowledged events that no tail had read when Redis died are not
 * delivered: the reset tells the client to resynchronise.
 */
function expectAcrossRestart(
  client: TestClient,
  outcomes: ReadonlyMap<string, Outcome>,
  newStream: readonly StreamEntry[],
): void {
  const resets = client.received.filter((r) => r.type === 'reset');
  expect(resets).toEqual([{ type: 'reset', reason: 'unknown-epoch', id: '0-0' }]);
  const at = client.received.indexOf(resets[0]!);
  const isTick = (r: Received): r is Tick => r.type === 'tick' && !r.key.startsWith('warmup:');
  const before = client.received.slice(0, at).filter(isTick);
  const after = client.received.slice(at + 1).filter(isTick);
  // The restart came mid-stream: every client had events of the old stream.
  expect(before.length).toBeGreaterThanOrEqual(50);

  // After the reset: the new stream, all of it, in order, once.
  expect(after).toEqual(newStream.map((e) => ({ type: 'tick', key: e.key, id: e.id })));

  // Before it: old-stream events only, in stream order, each acknowledged with the id it came with,
  // or an UNCERTAIN publish that Redis had in fact stored.
  const inNew = new Set(newStream.map((e) => e.key));
  for (const tick of before) {
    const outcome = outcomes.get(tick.key);
    expect(inNew.has(tick.key)).toBe(false);
    if (outcome && 'id' in outcome) expect(tick.id).toBe(outcome.id);
    else expect(outcome).toMatchObject({ code: 'UNCERTAIN' });
  }
  for (let i = 1; i < before.length; i++)
    expect(compareStreamIds(before[i - 1]!.id!, before[i]!.id!)).toBeLessThan(0);
  // …and no gap: every acknowledged old-stream event up to the last one received.
  const oldAcked = [...outcomes.entries()]
    .flatMap(([key, o]) => ('id' in o && !inNew.has(key) ? [{ key, id: o.id }] : []))
    .sort((a, b) => compareStreamIds(a.id, b.id)!);
  const last = before.at(-1)?.id ?? '0-0';
  const upToLast = oldAcked.filter((e) => compareStreamIds(e.id, last)! <= 0).map((e) => e.key);
  expect(
    before.map((t) => t.key).filter((k) => outcomes.has(k) && 'id' in outcomes.get(k)!),
  ).toEqual(upToLast);
}

describe('a Redis restart without persistence, mid-stream', () => {
  it('clients get the old stream gap-free, one ssekit.reset, then all of the new stream; nothing acknowledged after the restart is lost', async () => {
    await using redis = await startRedis();
    const key = 'cluster:restart';
    await using cluster = await startCluster(bundle, {
      redisUrl: redis.url,
      key,
      commandTimeoutMs: 1_000,
    });
    await using clients = createClients(cluster.url, 9);
    await warmUp(cluster, clients);

    const publishing = Promise.all([
      cluster.servers[0]!.publish({
        type: 'publish',
        src: 'server',
        count: 500,
        perTick: 1,
        everyMs: 10,
      }),
      cluster.worker.publish({
        type: 'publish',
        src: 'worker',
        count: 500,
        perTick: 1,
        everyMs: 10,
      }),
    ]);
    await waitFor(() => clients.all.every((c) => ticksOf(c).length >= 50), {
      message: 'the stream is flowing',
      timeoutMs: 10_000,
    });
    await redis.kill();
    // Longer than commandTimeoutMs: publishes of the first part of the outage give up (TIMEOUT),
    // later ones wait and go out to the new server.
    await nextTurn(1_500);
    await redis.start();
    const [fromServer, fromWorker] = await publishing;

    const outcomes = new Map<string, Outcome>();
    for (const [src, list] of [
      ['server', fromServer],
      ['worker', fromWorker],
    ] as const)
      for (const o of list) outcomes.set(tickKey({ src, n: o.n }), o);
    const codes = new Set([...outcomes.values()].flatMap((o) => ('code' in o ? [o.code] : [])));
    expect([...codes].every((c) => c === 'TIMEOUT' || c === 'UNCERTAIN')).toBe(true);
    expect(codes.has('TIMEOUT')).toBe(true);

    // The new server's stream: every publish acknowledged after the restart, and no TIMEOUT one.
    const newStream = await readStream(redis.url, key);
    expect(newStream.length).toBeGreaterThan(0);
    for (const e of newStream) expect(outcomes.get(e.key)).not.toMatchObject({ code: 'TIMEOUT' });
    await waitFor(
      () =>
        clients.all.every((c) => {
          const at = c.received.findIndex((r) => r.type === 'reset');
          return at !== -1 && c.received.length - at - 1 >= newStream.length;
        }),
      { message: 'every client receives the reset and the new stream', timeoutMs: 20_000 },
    );
    await quietPeriod(200);
    for (const client of clients.all) expectAcrossRestart(client, outcomes, newStream);
    const stats = await Promise.all(cluster.servers.map((s) => s.stats()));
    expect(stats.map((s) => s.resets)).toEqual([3, 3, 3]);

    // A client that comes back with an id of the old stream cannot resume: reset to the newest id,
    // then live events.
    const oldId = [...outcomes.values()].find(
      (o) => 'id' in o && !newStream.some((e) => e.id === o.id),
    );
    expect(oldId).toBeDefined();
    const late = clients.add(cluster.url, { lastEventId: (oldId as { id: string }).id });
    await waitFor(() => late.received.length > 0, {
      message: 'the late client gets a reset',
      timeoutMs: 10_000,
    });
    expect(late.received).toEqual([
      { type: 'reset', reason: 'unknown-epoch', id: newStream.at(-1)!.id },
    ]);
    const more = await cluster.worker.publish({
      type: 'publish',
      src: 'late',
      count: 5,
      perTick: 1,
      everyMs: 0,
    });
    expect(acked(more)).toHaveLength(5);
    const expected = Array.from({ length: 5 }, (_, n) => `late:${n}`);
    await waitFor(
      () =>
        clients.all.every((c) => ticksOf(c).filter((t) => t.key.startsWith('late:')).length >= 5),
      { message: 'every client receives the events published after', timeoutMs: 10_000 },
    );
    for (const client of clients.all)
      expect(
        ticksOf(client)
          .slice(-5)
          .map((t) => t.key),
      ).toEqual(expected);
    expect(ticksOf(late).map((t) => t.key)).toEqual(expected);
  }, 60_000);
});
