/** Messages between the Redis benchmark's runner and its processes, over the IPC channel of `fork`. */
import type { ChildProcess } from 'node:child_process';

/** The stream every server process of one configuration shares. */
export const KEY = 'bench:events';

/** What the runner asks a server: its connection count, or to publish a burst or at a steady rate. */
export type ServerCommand =
  | { type: 'stats' }
  | { type: 'burst'; count: number; batch: number }
  | { type: 'steady'; rate: number; durationMs: number };
/** A server's answer to a run, once every publish of it has settled. */
export interface RunReply {
  type: 'run';
  startedAt: number;
  endedAt: number;
  published: number;
  failed: number;
}
/** What the runner asks a load generator; each command has one answer. */
export type LoadgenCommand =
  | { type: 'connect'; ports: number[]; first: number; count: number; sampleEvery: number }
  | { type: 'arm'; events: number; mode: 'seq' | 'time'; warmupUntil: number }
  | { type: 'collect'; deadlineMs: number; stallMs: number }
  | { type: 'close' };
/** A load generator's counts for one run, and its sorted latency samples (time mode). */
export interface Collected {
  type: 'collected';
  exact: number;
  clients: number;
  total: number;
  lastAt: number;
  orderErrors: number;
  firstOrderError: string | undefined;
  latencies: number[];
}

/** Send one IPC message and wait for the next answer of that process (one request at a time each). */
export function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error(`child exited (${child.exitCode ?? child.signalCode})`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      resolve(reply as T);
    });
    child.send(message as object);
  });
}
