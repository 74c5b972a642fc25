import { type ClientStatus, createClient, type SseClient } from '@ssekit/client';
import type { SseError } from '@ssekit/core';
import { nextTurn } from '@ssekit/test-kit';
import { Redis } from 'ioredis';
import { waitFor } from '../utils.js';
import { contract } from './contract.js';
import { type AppBundle, type AppProcess, startApp } from './processes.js';
import { startTcpProxy, type TcpProxy } from './proxy.js';

/** Three (or `servers`) server processes and a publisher-only worker on one stream, behind a proxy. */
export interface Cluster extends AsyncDisposable {
  readonly servers: readonly AppProcess[];
  readonly worker: AppProcess;
  readonly proxy: TcpProxy;
  /** The SSE base URL, through the proxy. */
  readonly url: string;
}

export interface ClusterOptions {
  readonly redisUrl: string;
  readonly key: string;
  readonly servers?: number;
  /** @default 5_000 */
  readonly commandTimeoutMs?: number;
  /** @default 500 */
  readonly blockMs?: number;
}

export async function startCluster(bundle: AppBundle, options: ClusterOptions): Promise<Cluster> {
  const common = {
    redisUrl: options.redisUrl,
    key: options.key,
    commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
    blockMs: options.blockMs ?? 500,
  };
  const started = await Promise.allSettled([
    startApp(bundle, { ...common, role: 'publisher' }),
    ...Array.from({ length: options.servers ?? 3 }, () =>
      startApp(bundle, { ...common, role: 'server' }),
    ),
  ]);
  const processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.kill()));
    throw failed.reason;
  }
  const [worker, ...servers] = processes as [AppProcess, ...AppProcess[]];
  const proxy = await startTcpProxy(servers.map((s) => s.port!));
  return {
    servers,
    worker,
    proxy,
    url: `${proxy.url}/sse`,
    async [Symbol.asyncDispose]() {
      await Promise.all(processes.map((p) => p.kill()));
      await proxy[Symbol.asyncDispose]();
    },
  };
}

/** What one client received, in order: `tick` events (with the id they came with) and resets. */
export type Received =
  | { readonly type: 'tick'; readonly key: string; readonly id: string | undefined }
  | { readonly type: 'reset'; readonly reason: string; readonly id: string | undefined };

export interface TestClient {
  readonly client: SseClient<typeof contract>;
  readonly received: Received[];
  readonly statuses: ClientStatus[];
  readonly errors: SseError[];
}

/** `src:n`, the identity of one published event. */
export const tickKey = (tick: { src: string; n: number }): string => `${tick.src}:${tick.n}`;
const WARMUP = 'warmup';

/** Clients through `@ssekit/client` (FetchEventSource: Node 20 has no EventSource), closed on dispose. */
export interface TestClients extends AsyncDisposable {
  readonly all: TestClient[];
  add(url: string, options?: { lastEventId?: string }): TestClient;
}

export function createClients(url: string, count: number): TestClients {
  const all: TestClient[] = [];
  const add = (target: string, options: { lastEventId?: string } = {}): TestClient => {
    const received: Received[] = [];
    const statuses: ClientStatus[] = [];
    const errors: SseError[] = [];
    const client = createClient(contract, {
      url: target,
      lastEventId: options.lastEventId,
      maxRetryMs: 1_000,
      onStatus: (status) => statuses.push(status),
      onError: (error) => errors.push(error),
      // The client sets its last id to the reset's before it calls onReset.
      onReset: ({ reason }) => received.push({ type: 'reset', reason, id: client.lastEventId }),
    });
    // Each event's id is the client's last id while its callback runs (ids only grow here).
    client.subscribe('tick', (tick) =>
      received.push({ type: 'tick', key: tickKey(tick), id: client.lastEventId }),
    );
    const entry = { client, received, statuses, errors };
    all.push(entry);
    return entry;
  };
  for (let i = 0; i < count; i++) add(url);
  return {
    all,
    add,
    async [Symbol.asyncDispose]() {
      for (const c of all) c.client.close();
    },
  };
}

/** The `tick` events a client received, without the warm-up ones. */
export function ticksOf(client: TestClient): Extract<Received, { type: 'tick' }>[] {
  return client.received.filter(
    (r): r is Extract<Received, { type: 'tick' }> =>
      r.type === 'tick' && !r.key.startsWith(`${WARMUP}:`),
  );
}

/**
 * Publish warm-up events from the worker until every client has received one: from then on, each
 * client is live on its server, so it must receive every event published after.
 */
export async function warmUp(cluster: Cluster, clients: TestClients): Promise<void> {
  await waitFor(() => clients.all.every((c) => c.client.status === 'open'), {
    message: 'every client is open',
    timeoutMs: 10_000,
  });
  const deadline = Date.now() + 10_000;
  for (let n = 0; ; n++) {
    await cluster.worker.publish({
      type: 'publish',
      src: WARMUP,
      count: 1,
      perTick: 1,
      everyMs: 0,
    });
    const ready = () => clients.all.every((c) => c.received.some((r) => r.type === 'tick'));
    const until = Date.now() + 200;
    while (!ready() && Date.now() < until) await nextTurn(10);
    if (ready()) return;
    if (Date.now() > deadline)
      throw new Error(`no warm-up event reached every client (${n + 1} sent)`);
  }
}

/** The stream's entries as `{ id, key }`, oldest first, without the warm-up events. */
export async function readStream(
  redisUrl: string,
  key: string,
): Promise<{ readonly id: string; readonly key: string }[]> {
  const redis = new Redis(redisUrl);
  try {
    const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
    return entries
      .map(([id, fields]) => {
        let data = '';
        for (let i = 0; i + 1 < fields.length; i += 2)
          if (fields[i] === 'data') data = fields[i + 1]!;
        return { id, key: tickKey(JSON.parse(data) as { src: string; n: number }) };
      })
      .filter((e) => !e.key.startsWith(`${WARMUP}:`));
  } finally {
    redis.disconnect();
  }
}
