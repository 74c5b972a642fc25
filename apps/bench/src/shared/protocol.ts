/**
 * Messages between the runner and its child processes. Servers print one JSON line on stdout when
 * they listen (or cannot run); load generators speak over the IPC channel of `fork`.
 */

/** The first line a server prints. */
export type ServerHello =
  | {
      readonly type: 'ready';
      readonly port: number;
      /** Path of the broadcast stream of `price` events. */
      readonly subscribePath: string;
      /** Path of an RPC stream of `count` events, with `{count}` in place of the number; absent when the contender has none. */
      readonly streamPath: string | undefined;
      /** The soft limit on open files of the server process. */
      readonly maxOpenFiles: number;
    }
  | { readonly type: 'unavailable'; readonly reason: string };

/** How the load generator reads the events of one run. */
export interface ReadSpec {
  /** `seq`: `price` is the sequence number; `time`: `price` is the publish time, latency is sampled. */
  readonly mode: 'seq' | 'time';
  /** Every how many clients one is parsed in full to check order (and sample latency). */
  readonly sampleEvery: number;
  /** Latency samples published before this time (ms, wall clock) are dropped as warm-up. */
  readonly warmupUntil?: number;
  /**
   * In `seq` mode, how much ids and `price` grow from one delivered event to the next: 2 when a
   * predicate lets every other event through. @default 1
   */
  readonly step?: number;
}

export type LoadgenCommand =
  | {
      readonly type: 'connect';
      readonly port: number;
      readonly path: string;
      readonly count: number;
      /** Connections being opened at once. */
      readonly concurrency: number;
      readonly read: ReadSpec;
      /** Give up on connects after this long. */
      readonly timeoutMs: number;
    }
  | {
      /** Start counting towards `events` per client; answers at once, then `collect` waits. */
      readonly type: 'arm';
      readonly events: number;
      readonly read: ReadSpec;
    }
  | {
      readonly type: 'collect';
      /** Stop waiting after this long, whatever the counts. */
      readonly deadlineMs: number;
      /** Counts that do not move for this long are final (events were lost). */
      readonly stallMs: number;
      /** After every client reached its count, wait this long for surplus events. */
      readonly graceMs: number;
    }
  | {
      readonly type: 'stream';
      readonly port: number;
      readonly path: string;
      readonly events: number;
      readonly deadlineMs: number;
    }
  | {
      /**
       * Replace every connection (the server cut them) by a new one to `path` that sends the id of
       * the last event its predecessor saw as `Last-Event-ID` (every connection must have had a
       * checker, `sampleEvery: 1`), armed to count `events`. Answers once all are open.
       */
      readonly type: 'reconnect';
      readonly port: number;
      readonly path: string;
      readonly events: number;
      readonly concurrency: number;
      /** Which of the new connections keep their checker (order across the reconnect). */
      readonly read: ReadSpec;
      readonly timeoutMs: number;
    }
  | { readonly type: 'close' }
  | { readonly type: 'limits' };

export interface ConnectResult {
  readonly type: 'connect';
  readonly opened: number;
  readonly failed: number;
  readonly firstError: string | undefined;
  /** From the first connect to the first response byte of the last connection, in ms. */
  readonly elapsedMs: number;
}

export interface CollectResult {
  readonly type: 'collect';
  /** Clients that received exactly the expected count. */
  readonly exact: number;
  readonly clients: number;
  readonly minCount: number;
  readonly maxCount: number;
  readonly totalEvents: number;
  /** Wall-clock time at which the last client reached the expected count; 0 when one never did. */
  readonly lastAt: number;
  /** `complete`, or why not. */
  readonly outcome: 'complete' | 'stalled' | 'deadline' | 'closed';
  readonly sampledClients: number;
  readonly orderErrors: number;
  readonly firstOrderError: string | undefined;
  /** Latency samples in ms, sorted, only in `time` mode (thinned to at most 100 000). */
  readonly latencies: readonly number[];
  /** Connections that ended or failed while counting. */
  readonly closedEarly: number;
  /** CPU time this load generator had used when it answered (compare with `armed`). */
  readonly cpuMs: number;
}

export interface StreamResult {
  readonly type: 'stream';
  readonly status: number;
  readonly count: number;
  readonly startedAt: number;
  readonly lastAt: number;
  /** The response finished (final chunk or socket end) after the events. */
  readonly ended: boolean;
  /** The deadline passed before the stream ended. */
  readonly timedOut: boolean;
  readonly orderErrors: number;
  readonly firstOrderError: string | undefined;
  readonly error: string | undefined;
}

export type LoadgenReply =
  | ConnectResult
  | { readonly type: 'armed'; readonly cpuMs: number }
  | CollectResult
  | StreamResult
  | { readonly type: 'closed' }
  | { readonly type: 'limits'; readonly maxOpenFiles: number }
  | { readonly type: 'error'; readonly message: string };
