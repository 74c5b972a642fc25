import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The demo's folder: the child process runs there, so that tsx finds its tsconfig. */
export const demoDir = fileURLToPath(new URL('..', import.meta.url));

export { freePort, launchChromium, startRedis, type TestRedis } from '@ssekit/test-kit';

/** Bundle the page with the demo's own `bundle` script (esbuild), as `pnpm demo` does. */
export function bundlePage(): void {
  execFileSync('pnpm', ['run', '--silent', 'bundle'], { cwd: demoDir, stdio: 'inherit' });
}

export interface DemoProcess extends AsyncDisposable {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** Send a signal and wait for the exit code (`null` when a signal ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Start the demo server (`src/server/main.ts` under tsx, one process: `node --import tsx`) on a
 * port, and wait for the line that says where it listens.
 */
export async function startDemo(
  port: number,
  args: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...args], {
    cwd: demoDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The demo did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = /ssekit demo: (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with code ${code} before listening:\n${output}`));
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    child,
    output: () => output,
    stop,
    async [Symbol.asyncDispose]() {
      await stop('SIGKILL');
    },
  };
}
