import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_DIR = join(PACKAGE_DIR, '..', '..');
export const FIXTURES = join(PACKAGE_DIR, 'test', 'fixtures');
export const BIN = join(PACKAGE_DIR, 'dist', 'cli.js');
const TSC = join(REPO_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
const BIOME = join(REPO_DIR, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

/** Package sources by name, for tools that resolve `@ssekit/*` without a build (tsc, esbuild). */
export const SOURCES = {
  '@ssekit/core': join(REPO_DIR, 'packages', 'core', 'src', 'index.ts'),
  '@ssekit/client': join(REPO_DIR, 'packages', 'client', 'src', 'index.ts'),
  '@ssekit/client/schema': join(REPO_DIR, 'packages', 'client', 'src', 'schema', 'index.ts'),
  '@ssekit/server': join(REPO_DIR, 'packages', 'server', 'src', 'index.ts'),
} as const;

/**
 * A scratch project inside this package (so that `zod` and `@ssekit/*` resolve from its files as
 * they would in an app). Dispose it with `await using project = await createProject()`.
 */
export interface TestProject extends AsyncDisposable {
  readonly dir: string;
  path(name: string): string;
  write(name: string, content: string): Promise<string>;
  read(name: string): Promise<string>;
  exists(name: string): boolean;
}

export async function createProject(): Promise<TestProject> {
  const root = join(PACKAGE_DIR, 'test', '.tmp');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'project-'));
  const path = (name: string) => join(dir, name);
  return {
    dir,
    path,
    async write(name, content) {
      await mkdir(dirname(path(name)), { recursive: true });
      await writeFile(path(name), content);
      return path(name);
    },
    read: (name) => readFile(path(name), 'utf8'),
    exists: (name) => existsSync(path(name)),
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built `ssekit` bin as a child process. */
export async function runSsekit(args: readonly string[], cwd: string): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Start the bin with `--watch`: lines of output arrive through `waitFor`; `stop` sends SIGINT. */
export function startSsekit(args: readonly string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    get output() {
      return output;
    },
    /** Resolves once the output holds `count` matches of `pattern` (counted from the start). */
    waitFor(pattern: RegExp, count = 1, timeoutMs = 20_000): Promise<void> {
      const matches = () => output.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`Timed out waiting for ${pattern} ×${count}; output:\n${output}`));
        }, timeoutMs);
        const check = () => {
          if (matches() < count) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Build the package when `dist` is missing or older than `src`, so the bin under test is current. */
export async function ensureBuilt(): Promise<void> {
  const built = existsSync(BIN) ? statSync(BIN).mtimeMs : 0;
  if (built >= newestMtime(join(PACKAGE_DIR, 'src'))) return;
  const tsup = join(REPO_DIR, 'node_modules', 'tsup', 'dist', 'cli-default.js');
  await run(process.execPath, [tsup], { cwd: PACKAGE_DIR, timeout: 180_000 });
}

/** Type-check files with `tsc --strict` (noUncheckedIndexedAccess and the rest of the base config). */
export async function typecheck(
  files: readonly string[],
  project: TestProject,
): Promise<RunResult> {
  const paths = Object.fromEntries(Object.entries(SOURCES).map(([name, file]) => [name, [file]]));
  const config = {
    extends: join(REPO_DIR, 'tsconfig.base.json'),
    compilerOptions: { noEmit: true, strict: true, lib: ['ES2023', 'DOM'], types: [], paths },
    files,
  };
  const tsconfig = await project.write('tsconfig.check.json', JSON.stringify(config));
  try {
    const { stdout, stderr } = await run(process.execPath, [TSC, '-p', tsconfig], {
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * `biome lint` with the repository's rules. Generated modules are laid out by codegen's own
 * formatter (no 45 MB formatter dependency), so lint is what they are held to, not Biome's layout.
 */
export async function biomeLint(files: readonly string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [BIOME, 'lint', '--no-errors-on-unmatched', '--files-ignore-unknown=true', ...files],
      { cwd: REPO_DIR, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
