// A throwaway redis-server for tests: a free port, no persistence (or AOF, for fault tests), killed
// on dispose. Fails, and never skips, when redis-server is not installed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** The error message when redis-server is missing. */
export const REDIS_MISSING =
  'redis-server not found: install redis-server: apt-get install -y redis-server';

/** A running redis-server; `await using` kills it. */
export interface TestRedis extends AsyncDisposable {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
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

/** Options of `startRedis`. */
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
 * answers PING.
 *
 * @example
 * ```ts
 * await using redis = await startRedis();
 * const broker = redisBroker({ url: redis.url });
 * ```
 */
export async function startRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(REDIS_MISSING, { cause: probe.error });
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
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = proc;
    try {
      await waitFor(async () => proc.exitCode !== null || (await ping(port)), {
        message: `redis-server to answer PING on port ${port}`,
        intervalMs: 20,
      });
    } catch (cause) {
      proc.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}:\n${output}`, { cause });
    }
    if (proc.exitCode !== null) {
      throw new Error(`redis-server exited with ${proc.exitCode} on port ${port}:\n${output}`);
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
