// `ssekit` as a function: the parsed command run (write, check or watch), messages to the given
// streams, an exit status back; the bin and tests call it.
import { relative } from 'node:path';
import { CodegenError, CodegenErrorCode } from '../errors.js';
import { checkGenerated, type GenerateOptions, generate } from '../generate.js';
import { parseCommand, USAGE } from './args.js';
import { watchContract } from './watch.js';

/** Where the CLI writes and what it may be stopped by: the process's streams and signals in `bin`. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** Ends `--watch`. */
  readonly signal?: AbortSignal;
  /** Printed by `--version`. */
  readonly version?: string;
}

/** Exit statuses: 0 done, 1 failed or stale, 2 bad usage. */
export const ExitCode = { OK: 0, FAILED: 1, USAGE: 2 } as const;

function describeError(error: unknown): string {
  if (error instanceof CodegenError) return `ssekit: ${error.message} [${error.code}]\n`;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `ssekit: unexpected error: ${text}\n`;
}

function exitCodeOf(error: unknown): number {
  return error instanceof CodegenError && error.code === CodegenErrorCode.USAGE
    ? ExitCode.USAGE
    : ExitCode.FAILED;
}

/**
 * Run `ssekit` with these arguments; resolves with the exit status. Messages go to `io`, never to
 * the console, so that tests and other tools can run it in process.
 *
 * @example
 * ```ts
 * const status = await runCli(['generate', 'src/events.ts', '--out', 'src/events.client.ts'], {
 *   stdout: (t) => process.stdout.write(t),
 *   stderr: (t) => process.stderr.write(t),
 * });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const show = (path: string) => relative(cwd, path) || path;
  try {
    const command = parseCommand(argv);
    switch (command.type) {
      case 'help':
        io.stdout(USAGE);
        return ExitCode.OK;
      case 'version':
        io.stdout(`${io.version ?? 'unknown'}\n`);
        return ExitCode.OK;
      case 'generate':
        break;
    }
    const options: GenerateOptions = { ...command.options, cwd };
    switch (command.mode) {
      case 'write': {
        const result = await generate(options);
        for (const path of result.written) io.stdout(`ssekit: wrote ${show(path)}\n`);
        for (const path of result.unchanged) io.stdout(`ssekit: ${show(path)} is up to date\n`);
        return ExitCode.OK;
      }
      case 'check': {
        const result = await checkGenerated(options);
        for (const path of result.fresh) io.stdout(`ssekit: ${show(path)} is up to date\n`);
        if (result.stale.length === 0) return ExitCode.OK;
        for (const path of result.stale) io.stderr(`ssekit: stale: ${show(path)}\n`);
        io.stderr('ssekit: run ssekit generate without --check to update them [STALE]\n');
        return ExitCode.FAILED;
      }
      case 'watch': {
        const signal = io.signal ?? new AbortController().signal;
        await watchContract({
          ...options,
          signal,
          onEvent: (event) => {
            switch (event.type) {
              case 'generated':
                for (const path of event.written) io.stdout(`ssekit: wrote ${show(path)}\n`);
                if (event.written.length === 0) io.stdout('ssekit: up to date\n');
                break;
              case 'error':
                io.stderr(describeError(event.error));
                break;
              case 'watching':
                io.stdout(`ssekit: watching ${show(event.file)} (Ctrl-C to stop)\n`);
                break;
            }
          },
        });
        return ExitCode.OK;
      }
    }
  } catch (error) {
    io.stderr(describeError(error));
    if (exitCodeOf(error) === ExitCode.USAGE) io.stderr(`\n${USAGE}`);
    return exitCodeOf(error);
  }
}
