/**
 * Messages between a test and its cluster processes (`app.ts`), over the IPC channel of `fork`.
 * Every command carries a `seq` that its reply repeats, so that a long `publish` and quick `stats`
 * can be in flight at once.
 */

/** How a process is started: its role, and the broker settings. */
export interface AppConfig {
  /** `server`: express + createSseServer on the Redis broker; `publisher`: createRedisPublisher only. */
  readonly role: 'server' | 'publisher';
  readonly redisUrl: string;
  readonly key: string;
  /** `commandTimeoutMs` of the broker: how long a publish waits for a Redis that is down. */
  readonly commandTimeoutMs: number;
  /** `blockMs` of the tail. */
  readonly blockMs: number;
  /** A file in @ssekit/server's package, from which the app loads express (a peer of the server). */
  readonly expressFrom: string;
}

export type AppCommand =
  | {
      readonly type: 'publish';
      readonly seq: number;
      /** Written into each event, with `n` counting from 0. */
      readonly src: string;
      readonly count: number;
      /** Events published in one go, then a pause of `everyMs` (0: the next event-loop turn). */
      readonly perTick: number;
      readonly everyMs: number;
    }
  | { readonly type: 'stats'; readonly seq: number };

/** What became of one publish: the id Redis acknowledged, or the error code of the rejection. */
export type Outcome =
  | { readonly n: number; readonly id: string }
  | { readonly n: number; readonly code: string };

export type AppReply =
  | { readonly type: 'ready'; readonly port: number | undefined }
  | { readonly type: 'published'; readonly seq: number; readonly outcomes: readonly Outcome[] }
  | {
      readonly type: 'stats';
      readonly seq: number;
      /** Open SSE connections (a server), 0 for a publisher. */
      readonly connections: number;
      /** `ssekit.reset` events sent. */
      readonly resets: number;
      /** Events replayed to resuming connections. */
      readonly replayed: number;
    }
  | { readonly type: 'error'; readonly seq: number; readonly message: string };
