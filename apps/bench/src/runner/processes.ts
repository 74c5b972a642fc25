/**
 * Child processes of the runner: one server per contender and run, a pool of load generators. Every
 * child is registered here and killed on exit, on a signal and on a crash; the children also exit
 * by themselves when the runner disappears (servers when their stdin closes, load generators when
 * the IPC channel does), so none is left behind even after `kill -9` of the runner.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadgenCommand, LoadgenReply, ServerHello } from '../shared/protocol.js';
import { OUT_DIR } from './build.js';

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Spawn `node <args>` through `sh`, raising the soft limit on open files to the hard limit first:
 * 10 000 connections need more than the usual 1024 descriptors on each side.
 */
function spawnNode(
  args: string[],
  ipc: boolean,
  env: Readonly<Record<string, string>> = {},
  executable: string = process.execPath,
): ChildProcess {
  const child = spawn(
    '/bin/sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', executable, ...args],
    {
      cwd: BENCH_DIR,
      stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', ...env },
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The last lines a child wrote to stderr, for the report when it fails. */
function tail(child: ChildProcess, keep = 20): () => string {
  const lines: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    lines.push(...text.split('\n').filter((l) => l !== ''));
    lines.splice(0, Math.max(0, lines.length - keep));
  });
  return () => lines.join('\n');
}

export interface ServerProcess {
  readonly hello: ServerHello;
  readonly stderr: () => string;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * `BENCH_CPU_PROF=<dir>`: every server writes a V8 CPU profile (`.cpuprofile`, for Chrome DevTools
 * or speedscope) into that folder when it stops, sampled every `BENCH_CPU_PROF_INTERVAL` µs (V8's
 * default, 1 000, leaves a burst of a third of a second a few hundred samples). Keep the folder out
 * of git.
 */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;

/** Start the bundle of `src/servers/<script>` and wait for its hello line. */
export async function startServer(
  script: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
  runtime: 'node' | 'bun' = 'node',
): Promise<ServerProcess> {
  if (runtime === 'bun') {
    const child = spawnNode(
      [`${OUT_DIR}/servers/${script.replace(/\.ts$/, '.js')}`],
      false,
      env,
      BUN_BINARY,
    );
    return awaitHello(child, timeoutMs);
  }
  const interval = process.env.BENCH_CPU_PROF_INTERVAL;
  const profile = CPU_PROF_DIR
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${CPU_PROF_DIR}`,
        ...(interval ? [`--cpu-prof-interval=${interval}`] : []),
      ]
    : [];
  const child = spawnNode(
    ['--expose-gc', ...profile, `${OUT_DIR}/servers/${script.replace(/\.ts$/, '.js')}`],
    false,
    env,
  );
  return awaitHello(child, timeoutMs);
}

/** The `bun` binary of the `bun` npm package, a devDependency of @ssekit/server. */
const BUN_BINARY = `${BENCH_DIR}/../../packages/server/node_modules/.bin/bun`;

/** Wait for a server's hello line; the process handle of the running server. */
async function awaitHello(child: ChildProcess, timeoutMs: number): Promise<ServerProcess> {
  const stderr = tail(child);
  const hello = await new Promise<ServerHello>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no hello within ${timeoutMs} ms\n${stderr()}`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return; // libraries may print banners
      try {
        const parsed = JSON.parse(line) as ServerHello;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // not ours
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${signal ?? code}) before its hello\n${stderr()}`));
    });
  });
  return {
    hello,
    stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (CPU_PROF_DIR) {
        // A profile is written on a normal exit only: end stdin (the server exits) and give it time.
        child.stdin?.end();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode !== null || child.signalCode !== null) return;
      }
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface LoadgenProcess {
  request<T extends LoadgenReply['type']>(
    command: LoadgenCommand,
    expect: T,
  ): Promise<Extract<LoadgenReply, { type: T }>>;
  stop(): Promise<void>;
}

/** Fork one load generator. Requests are answered in order, one at a time per process. */
export function startLoadgen(): LoadgenProcess {
  const child = spawnNode([`${OUT_DIR}/loadgen/main.js`], true);
  const stderr = tail(child);
  const waiting: { resolve: (reply: LoadgenReply) => void; reject: (error: Error) => void }[] = [];
  child.on('message', (reply: LoadgenReply) => waiting.shift()?.resolve(reply));
  child.once('exit', (code, signal) => {
    for (const w of waiting.splice(0))
      w.reject(new Error(`load generator exited (${signal ?? code})\n${stderr()}`));
  });
  return {
    async request(command, expect) {
      const reply = await new Promise<LoadgenReply>((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.send(command);
      });
      if (reply.type === 'error') throw new Error(`load generator: ${reply.message}`);
      if (reply.type !== expect)
        throw new Error(`load generator answered ${reply.type}, expected ${expect}`);
      return reply as Extract<LoadgenReply, { type: typeof expect }>;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (CPU_PROF_DIR) {
        // A profile is written on a normal exit only: end stdin (the server exits) and give it time.
        child.stdin?.end();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode !== null || child.signalCode !== null) return;
      }
      child.kill('SIGKILL');
      await exited;
    },
  };
}
