import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerEntry, BrokerEvent, BrokerSubscribeOptions } from '@ssekit/server';
import type { RedisBroker } from '../src/index.js';

const MISSING = 'redis-server not found: install it with `apt-get install -y redis-server`';

/** A throwaway redis-server on a free port, without persistence, stopped on dispose. */
export interface TestRedis extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  /** Kill the server with SIGKILL, like a crash. Without persistence, the data goes with it. */
  kill(): Promise<void>;
  /** Start a server on the same port (after `kill`): empty without AOF, the AOF's contents with it. */
  start(): Promise<void>;
  /** Freeze the server (SIGSTOP): its sockets stay open and nothing answers. */
  pause(): void;
  /** Thaw it (SIGCONT). */
  resume(): void;
}

/** Options of `startTestRedis`. */
export interface TestRedisOptions {
  /**
   * `appendonly yes` with this `appendfsync`, in a directory of its own that survives `kill`;
   * `null` runs without persistence.
   * @default null
   */
  appendfsync?: 'always' | 'everysec' | 'no' | null;
}

/**
 * Start `redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no` and wait until it
 * answers PING. Fails (never skips) when redis-server is not installed.
 *
 * @example
 * ```ts
 * await using redis = await startTestRedis();
 * const broker = redisBroker({ url: redis.url });
 * ```
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(MISSING, { cause: probe.error });
  const port = await freePort();
  const appendfsync = options.appendfsync ?? null;
  const dir = appendfsync ? mkdtempSync(join(tmpdir(), 'ssekit-redis-')) : tmpdir();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      ...(appendfsync
        ? ['--appendonly', 'yes', '--appendfsync', appendfsync]
        : ['--appendonly', 'no']),
    ];
    const proc = spawn('redis-server', [...args, '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}:\n${output}`);
      }
      await sleep(20);
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };

  const signal = (name: NodeJS.Signals): void => {
    if (child && child.exitCode === null) child.kill(name);
  };
  const dispose = async (): Promise<void> => {
    signal('SIGCONT');
    await kill();
    if (appendfsync) rmSync(dir, { recursive: true, force: true });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    [Symbol.asyncDispose]: dispose,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

/** Resolve once `check` holds, polling every 10 ms; fail after `timeoutMs` with `message`. */
export async function waitFor(
  check: () => boolean,
  message: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${message}`);
    await sleep(10);
  }
}

/** A test event `tick` carrying `{ n }`. */
export function entry(n: number, topic?: string): BrokerEntry {
  return { event: 'tick', topic, data: JSON.stringify({ n }) };
}

/** The `n` of each test event. */
export function ns(events: readonly BrokerEvent[]): number[] {
  return events.map((e) => (JSON.parse(e.data) as { n: number }).n);
}

/**
 * Subscribe and collect events into the returned array. Resolves once the tail has started: a
 * marker appended after subscribing has come through (and is removed from the array).
 */
export async function collect(
  broker: RedisBroker,
  options: BrokerSubscribeOptions = {},
): Promise<BrokerEvent[]> {
  const seen: BrokerEvent[] = [];
  broker.subscribe((events) => seen.push(...events), options);
  const marker = await broker.append({ event: 'marker', topic: undefined, data: '{}' });
  await waitFor(() => seen.some((e) => e.id === marker), 'the tail delivers a marker');
  seen.length = 0;
  return seen;
}
