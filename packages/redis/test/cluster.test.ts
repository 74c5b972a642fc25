import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClients,
  readStream,
  startCluster,
  type TestClient,
  ticksOf,
  warmUp,
} from './cluster/cluster.js';
import { type AppBundle, buildApp } from './cluster/processes.js';
import type { Outcome } from './cluster/protocol.js';
import { startTestRedis, waitFor } from './utils.js';

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
    await using redis = await startTestRedis();
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

    await waitFor(
      () => clients.all.every((c) => ticksOf(c).length >= stream.length),
      'every client receives every event',
      20_000,
    );
    await sleep(200); // room for a duplicate to show up
    for (const client of clients.all) {
      expectStream(client, stream);
      expect(client.received.filter((r) => r.type === 'reset')).toEqual([]);
      expect(client.errors).toEqual([]);
    }
  }, 60_000);

  it('a server killed with SIGKILL mid-stream: its clients resume on the others, with no gap and no duplicate', async () => {
    await using redis = await startTestRedis();
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
    await waitFor(
      () => clients.all.every((c) => ticksOf(c).length >= 50),
      'the stream is flowing',
      10_000,
    );
    await victim.kill();
    const [fromServer, fromWorker] = await publishing;
    expect(acked(fromServer)).toHaveLength(300);
    expect(acked(fromWorker)).toHaveLength(300);
    const stream = await readStream(redis.url, key);
    expect(stream).toHaveLength(600);

    await waitFor(
      () => clients.all.every((c) => ticksOf(c).length >= stream.length),
      'every client receives every event',
      20_000,
    );
    await sleep(200);
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
