// `ssekit generate --watch`: regenerates when the contract module or a file it imports changes.
import { type FSWatcher, watch as watchFs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type GenerateOptions, type GenerateResult, generate } from '../generate.js';
import { localImports } from '../load/local-imports.js';

/** One round of `--watch`: a union tagged by `type`. */
export type WatchEvent =
  | ({ readonly type: 'generated' } & GenerateResult)
  | { readonly type: 'error'; readonly error: unknown }
  /** Once, after the first round: the watch is set on the contract module (and what it imports). */
  | { readonly type: 'watching'; readonly file: string };

export interface WatchOptions extends GenerateOptions {
  /** Stops watching. */
  readonly signal: AbortSignal;
  /** Each round's outcome; a failed round keeps the watch going. */
  readonly onEvent: (event: WatchEvent) => void;
  /** Changes closer together than this make one round. @default 50 */
  readonly debounceMs?: number;
}

/**
 * `ssekit generate --watch`: generate now, then again whenever the contract module or a file it
 * imports through a relative path changes. Folders are watched rather than files, since editors
 * often save by replacing a file, which ends a watch on the file itself. Resolves once `signal` aborts.
 */
export async function watchContract(options: WatchOptions): Promise<void> {
  const { signal, onEvent, debounceMs = 50 } = options;
  const entry = resolve(options.cwd ?? process.cwd(), options.input);
  let watchers: FSWatcher[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let pending = false;

  const close = () => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
  };

  const rewatch = () => {
    close();
    // The import graph may have changed with the edit: watch what it is now.
    const files = new Set(localImports(entry));
    for (const folder of new Set([...files].map(dirname))) {
      try {
        const watcher = watchFs(folder, (_event, name) => {
          if (name !== null && files.has(join(folder, name.toString()))) schedule();
        });
        watcher.on('error', () => {});
        watchers.push(watcher);
      } catch {
        // A folder that vanished: the next round reports the missing module.
      }
    }
  };

  const round = async () => {
    if (signal.aborted) return;
    if (running) {
      pending = true;
      return;
    }
    running = true;
    // Watch first, then generate: an edit made as soon as a round reports is then never missed, and
    // an edit made during the round schedules another.
    rewatch();
    try {
      onEvent({ type: 'generated', ...(await generate(options)) });
    } catch (error) {
      onEvent({ type: 'error', error });
    } finally {
      running = false;
    }
    if (signal.aborted) return;
    if (pending) {
      pending = false;
      schedule();
    }
  };

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => void round(), debounceMs);
  }

  await round();
  if (!signal.aborted) {
    onEvent({ type: 'watching', file: entry });
    await new Promise<void>((done) =>
      signal.addEventListener('abort', () => done(), { once: true }),
    );
  }
  clearTimeout(timer);
  close();
}
