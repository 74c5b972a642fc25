// The figures a run collects: a cell per contender and scenario, with its status, and the median
// and quantile helpers that the report and the scenarios compute with.

/** What each scenario records per contender. `failed` is the only status that fails the run. */
export type Status =
  /** Measured, every event delivered once and in order. */
  | 'ok'
  /** Wrong count, wrong order, a crash or a refused connection: the run exits non-zero. */
  | 'failed'
  /** The contender cannot run here (its package does not load): reported, not a failure. */
  | 'unavailable'
  /** Still delivering at the deadline of a steady-rate run: it cannot keep up with that rate. */
  | 'overloaded'
  /**
   * Still delivering when a burst or stream ran out of its time budget: its rate is an upper bound
   * (all events over the time budget), and the counts could not be checked.
   */
  | 'partial'
  /** The scenario does not apply to this contender. */
  | 'n/a';

export interface Cell {
  readonly contender: string;
  readonly status: Status;
  /** Why not ok, or a remark worth printing next to the figures. */
  readonly note?: string;
}

export interface BurstCell extends Cell {
  /** Events delivered per second, one per repetition. */
  readonly rates?: readonly number[];
  /** CPU time of the server process over the wall time of the burst, per repetition (1 = one core). */
  readonly serverCpu?: readonly number[];
  /** The same for the load generator processes together. */
  readonly loadgenCpu?: readonly number[];
  /**
   * Server CPU time per delivered event, in microseconds, per repetition: the server's
   * `process.cpuUsage()` over the measured window ÷ events delivered to all clients.
   */
  readonly cpuPerEventUs?: readonly number[];
}

/** The figures of one steady-rate repetition. */
export interface SteadyFigures {
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
  readonly samples?: number;
  readonly delivered?: number;
  readonly maxPublishLagMs?: number;
  /** Server CPU time per delivered event, in microseconds. */
  readonly cpuPerEventUs?: number;
}

/** A steady-rate cell: the median of its repetitions at the top, every repetition in `rounds`. */
export interface SteadyCell extends Cell {
  /** Every repetition, in the order they ran (alternating with the other contenders). */
  readonly rounds?: readonly SteadyFigures[];
  readonly cpuPerEventUs?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
  readonly samples?: number;
  /** Share of the planned deliveries that arrived. */
  readonly delivered?: number;
  /** Largest delay of a publish behind its schedule, in the server. */
  readonly maxPublishLagMs?: number;
}

export interface ConnectionsCell extends Cell {
  readonly count?: number;
  /** Connections per second opened and answered (first response byte). */
  readonly setupRate?: number;
  readonly heapPerConnBytes?: number;
  readonly rssPerConnBytes?: number;
  /** Heap still held per connection after every client left and a GC ran. */
  readonly retainedHeapPerConnBytes?: number;
  /** Subscribers the server still counted 5 s after every client left. */
  readonly leftOver?: number;
}

export interface StreamCell extends Cell {
  readonly rates?: readonly number[];
  readonly cpuPerEventUs?: readonly number[];
}

export interface ResumeCell extends Cell {
  readonly clients?: number;
  readonly missed?: number;
  /** Sockets the server destroyed. */
  readonly cut?: number;
  /** From the first reconnect to the response head of the last one. */
  readonly reconnectedMs?: number;
  /** From the first reconnect to the moment the last client had all its missed events. */
  readonly caughtUpMs?: number;
  /** Server CPU time from the cut to the end. */
  readonly serverCpuMs?: number;
  /** That ÷ (clients × missed events). */
  readonly cpuPerEventUs?: number;
  /** Peaks sampled every 20 ms from just before the cut, and the values then. */
  readonly peakRss?: number;
  readonly peakHeapUsed?: number;
  readonly startRss?: number;
  readonly startHeapUsed?: number;
}

export interface Results {
  readonly bursts: { readonly plan: import('./plan.js').BurstPlan; readonly cells: BurstCell[] }[];
  readonly steady: {
    readonly plan: import('./plan.js').SteadyPlan;
    readonly cells: SteadyCell[];
  }[];
  readonly connections: ConnectionsCell[];
  readonly stream: StreamCell[];
  /** Predicate fan-out: one cell per ssekit variant (see `scenarios/predicate.ts`). */
  readonly predicate: BurstCell[];
  readonly resume: ResumeCell[];
}

/** Results with nothing measured yet: what a run fills, scenario by scenario. */
export function emptyResults(): Results {
  return { bursts: [], steady: [], connections: [], stream: [], predicate: [], resume: [] };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value at quantile `q` of sorted samples (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
