/** The runner's child processes (killed when it exits) and the redis-server of a configuration. */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { sleep } from '../shared/clock.js';

/** Every child still running: killed when the runner exits, however it exits. */
export const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Register a child in `children` until it exits. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGKILL a child, and resolve once it is gone. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** One command to Redis over RESP, for figures the broker does not expose; the reply's first line. */
export function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const end = text.indexOf('\r\n');
      if (end === -1) return;
      socket.destroy();
      resolve(text.slice(0, end));
    });
    socket.on('error', reject);
    socket.write(
      `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`,
    );
  });
}

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A fresh redis-server on a free port of 127.0.0.1, without persistence or with AOF everysec, in a
 * temporary directory; fails with the install command when redis-server is missing.
 */
export async function startRedis(
  aof: boolean,
): Promise<{ port: number; stop: () => Promise<void> }> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server not found: install it with `apt-get install -y redis-server`');
  }
  const port = await freePort();
  const dir = mkdtempSync(`${os.tmpdir()}/ssekit-redis-bench-`);
  const persistence = aof
    ? ['--appendonly', 'yes', '--appendfsync', 'everysec']
    : ['--appendonly', 'no'];
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir],
      { stdio: 'ignore' },
    ),
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pong = await redisCommand(port, 'PING').catch(() => '');
    if (pong === '+PONG') break;
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await sleep(20);
  }
  return {
    port,
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fork the bundle in a role (`server`, `loadgen`) with its JSON config; talk to it with `ask`. */
export async function startRole(
  bundle: string,
  role: string,
  config: object,
): Promise<ChildProcess> {
  const child = track(
    fork(bundle, [role, JSON.stringify(config)], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    }),
  );
  return child;
}
