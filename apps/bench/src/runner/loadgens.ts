/** The pool of load generator processes, driven as one: clients are split evenly between them. */
import type { CollectResult, ConnectResult, ReadSpec, StreamResult } from '../shared/protocol.js';
import { type LoadgenProcess, startLoadgen } from './processes.js';

export interface Collected {
  readonly exact: number;
  readonly clients: number;
  readonly minCount: number;
  readonly maxCount: number;
  readonly totalEvents: number;
  /** When the last client of all reached its count; 0 when one never did. */
  readonly lastAt: number;
  readonly outcome: CollectResult['outcome'];
  readonly orderErrors: number;
  readonly firstOrderError: string | undefined;
  readonly sampledClients: number;
  /** Sorted latency samples (ms) of all processes. */
  readonly latencies: number[];
  /** CPU time of all load generators together when they answered. */
  readonly cpuMs: number;
}

export class LoadgenPool {
  private readonly procs: LoadgenProcess[];

  constructor(size: number) {
    this.procs = Array.from({ length: size }, () => startLoadgen());
  }

  get size(): number {
    return this.procs.length;
  }

  /** The lowest soft limit on open files among the load generators. */
  async maxOpenFiles(): Promise<number> {
    const limits = await Promise.all(
      this.procs.map((p) => p.request({ type: 'limits' }, 'limits')),
    );
    return Math.min(...limits.map((l) => l.maxOpenFiles));
  }

  async connect(options: {
    port: number;
    path: string;
    count: number;
    concurrency: number;
    read: ReadSpec;
    timeoutMs: number;
  }): Promise<ConnectResult> {
    const shares = split(options.count, this.procs.length);
    const results = await Promise.all(
      this.procs.map((p, i) =>
        p.request(
          {
            type: 'connect',
            ...options,
            count: shares[i]!,
            concurrency: Math.max(1, Math.ceil(options.concurrency / this.procs.length)),
          },
          'connect',
        ),
      ),
    );
    return {
      type: 'connect',
      opened: sum(results.map((r) => r.opened)),
      failed: sum(results.map((r) => r.failed)),
      firstError: results.find((r) => r.firstError !== undefined)?.firstError,
      elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
    };
  }

  /** The resume storm: every load generator replaces its connections, each with its last id. */
  async reconnect(options: {
    port: number;
    path: string;
    events: number;
    concurrency: number;
    read: ReadSpec;
    timeoutMs: number;
  }): Promise<ConnectResult> {
    const results = await Promise.all(
      this.procs.map((p) =>
        p.request(
          {
            type: 'reconnect',
            ...options,
            concurrency: Math.max(1, Math.ceil(options.concurrency / this.procs.length)),
          },
          'connect',
        ),
      ),
    );
    return {
      type: 'connect',
      opened: sum(results.map((r) => r.opened)),
      failed: sum(results.map((r) => r.failed)),
      firstError: results.find((r) => r.firstError !== undefined)?.firstError,
      elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
    };
  }

  /** Start counting towards `events`; returns the CPU time of all load generators so far. */
  async arm(events: number, read: ReadSpec): Promise<number> {
    const armed = await Promise.all(
      this.procs.map((p) => p.request({ type: 'arm', events, read }, 'armed')),
    );
    return sum(armed.map((a) => a.cpuMs));
  }

  async collect(options: {
    deadlineMs: number;
    stallMs: number;
    graceMs: number;
  }): Promise<Collected> {
    const results = await Promise.all(
      this.procs.map((p) => p.request({ type: 'collect', ...options }, 'collect')),
    );
    const outcomes = results.map((r) => r.outcome);
    return {
      exact: sum(results.map((r) => r.exact)),
      clients: sum(results.map((r) => r.clients)),
      minCount: Math.min(...results.map((r) => r.minCount)),
      maxCount: Math.max(...results.map((r) => r.maxCount)),
      totalEvents: sum(results.map((r) => r.totalEvents)),
      lastAt: results.some((r) => r.lastAt === 0) ? 0 : Math.max(...results.map((r) => r.lastAt)),
      outcome: outcomes.find((o) => o !== 'complete') ?? 'complete',
      orderErrors: sum(results.map((r) => r.orderErrors)),
      firstOrderError: results.find((r) => r.firstOrderError !== undefined)?.firstOrderError,
      sampledClients: sum(results.map((r) => r.sampledClients)),
      latencies: results.flatMap((r) => [...r.latencies]).sort((a, b) => a - b),
      cpuMs: sum(results.map((r) => r.cpuMs)),
    };
  }

  /** One RPC stream, from the first load generator. */
  stream(options: {
    port: number;
    path: string;
    events: number;
    deadlineMs: number;
  }): Promise<StreamResult> {
    return this.procs[0]!.request({ type: 'stream', ...options }, 'stream');
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.request({ type: 'close' }, 'closed')));
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
  }
}

function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
