import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { AppCommand, AppConfig, AppReply, Outcome } from './protocol.js';

type StatsReply = Extract<AppReply, { type: 'stats' }>;
/** A command without its `seq`, which `request` adds. */
type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
type Command<T extends AppCommand['type']> = WithoutSeq<Extract<AppCommand, { type: T }>>;

const PACKAGES = fileURLToPath(new URL('../../..', import.meta.url));
const source = (pkg: string) => join(PACKAGES, pkg, 'src/index.ts');

/** The bundle of `app.ts`, in a temporary directory removed on dispose. */
export interface AppBundle extends Disposable {
  readonly file: string;
}

/**
 * Bundle `app.ts` with esbuild: ssekit from the workspace sources (as vitest's aliases do) and its
 * npm dependencies inlined, so that the processes start in milliseconds and run the code under test.
 */
export async function buildApp(): Promise<AppBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-redis-cluster-'));
  const file = join(dir, 'app.cjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./app.ts', import.meta.url))],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    alias: {
      '@ssekit/core': source('core'),
      '@ssekit/server': source('server'),
    },
    logLevel: 'silent',
  });
  return { file, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The file from which the app loads express: @ssekit/server's, whose peer dependency it is. */
export const EXPRESS_FROM = join(PACKAGES, 'server/package.json');

/** One forked cluster process. */
export interface AppProcess extends AsyncDisposable {
  readonly role: AppConfig['role'];
  /** The HTTP port of a server; `undefined` for a publisher. */
  readonly port: number | undefined;
  /** Publish `count` events; resolves with every outcome once all have settled. */
  publish(command: Command<'publish'>): Promise<readonly Outcome[]>;
  stats(): Promise<StatsReply>;
  /** SIGKILL, like a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  alive(): boolean;
}

/** Fork the bundle with `config`, and wait for it to be ready (listening, for a server). */
export async function startApp(
  bundle: AppBundle,
  config: Omit<AppConfig, 'expressFrom'>,
): Promise<AppProcess> {
  const child: ChildProcess = fork(
    bundle.file,
    [JSON.stringify({ ...config, expressFrom: EXPRESS_FROM })],
    {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const waiting = new Map<number, (reply: AppReply) => void>();
  let nextSeq = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const ready = new Promise<Extract<AppReply, { type: 'ready' }>>((resolve, reject) => {
    child.on('message', (reply: AppReply) => {
      if (reply.type === 'ready') resolve(reply);
      else {
        waiting.get(reply.seq)?.(reply);
        waiting.delete(reply.seq);
      }
    });
    exit.then(() => reject(new Error(`${config.role} exited before it was ready:\n${stderr}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const { port } = await ready.finally(() => clearTimeout(timeout));

  const request = <T extends AppReply['type']>(
    command: Command<AppCommand['type']>,
    expect: T,
  ): Promise<Extract<AppReply, { type: T }>> => {
    if (exited) return Promise.reject(new Error(`the ${config.role} process has exited`));
    const seq = nextSeq++;
    return new Promise((resolve, reject) => {
      waiting.set(seq, (reply) => {
        if (reply.type === expect) resolve(reply as Extract<AppReply, { type: T }>);
        else reject(new Error(`${config.role}: ${JSON.stringify(reply)}`));
      });
      exit.then(() => reject(new Error(`the ${config.role} process exited:\n${stderr}`)));
      child.send({ ...command, seq });
    });
  };

  const kill = async (): Promise<void> => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  };
  return {
    role: config.role,
    port,
    publish: async (command) => (await request(command, 'published')).outcomes,
    stats: () => request({ type: 'stats' }, 'stats'),
    kill,
    alive: () => !exited,
    [Symbol.asyncDispose]: kill,
  };
}
