// The two plans of a run, FULL (BENCHMARKS.md) and QUICK (CI, `--quick`): clients, events, rates,
// repetitions and time budgets of every scenario.

/** What a run measures: the full plan for BENCHMARKS.md, the quick one for CI. */
export interface BurstPlan {
  readonly clients: number;
  readonly events: number;
  /** Events published per event-loop tick. */
  readonly batch: number;
  /** Repetitions on the same connections (fewer when one takes long); the median is reported. */
  readonly reps: number;
  readonly headline: boolean;
}

export interface SteadyPlan {
  readonly clients: number;
  /** Events per second, published evenly (1 ms timer). */
  readonly rate: number;
  readonly durationMs: number;
  /** Latencies of events published in the first `warmupMs` are not counted. */
  readonly warmupMs: number;
  /** After the last publish, how long a contender may take to deliver before it counts as overloaded. */
  readonly drainMs: number;
  /** Repetitions, in alternating rounds over the contenders; the median is reported. */
  readonly reps: number;
}

export interface ResumePlan {
  readonly clients: number;
  /** Events every client receives before the cut (so that it has a last id). */
  readonly warmEvents: number;
  /** Events published while every client is cut off: what each one replays. */
  readonly missed: number;
  /** Reconnects being opened at once (all of them: a storm). */
  readonly concurrency: number;
}

export interface Plan {
  readonly mode: 'quick' | 'full';
  readonly bursts: readonly BurstPlan[];
  readonly steady: readonly SteadyPlan[];
  readonly connections: { readonly count: number; readonly concurrency: number };
  readonly stream: { readonly events: number; readonly reps: number };
  /** Predicate fan-out: one burst, ssekit with and without an `authorize` predicate. */
  readonly predicate: BurstPlan;
  /** Resume storm: every socket cut, events published, every client back with `Last-Event-ID`. */
  readonly resume: ResumePlan;
  /** Counts that stop moving for this long are final: events were lost. */
  readonly stallMs: number;
  /** A repetition longer than this is the last one. */
  readonly repBudgetMs: number;
  /** A burst or stream still running after this long stops there, with a `partial` rate. */
  readonly repDeadlineMs: number;
  /** After every client got its events, wait this long for surplus ones. */
  readonly graceMs: number;
  /** Pause before a memory reading, so that the server is idle. */
  readonly settleMs: number;
  /**
   * `--warm-up[=F]`: every burst repetition first sends F times its events (a fifth with no F) to the
   * same clients, unmeasured (see `warmUpEvents`). Off by default: the figures on record are cold.
   */
  readonly warmUp?: number | undefined;
}

export const FULL: Plan = {
  mode: 'full',
  bursts: [
    { clients: 1000, events: 1000, batch: 100, reps: 3, headline: true },
    { clients: 1000, events: 200, batch: 1, reps: 3, headline: false },
    { clients: 100, events: 10_000, batch: 100, reps: 3, headline: false },
    { clients: 10_000, events: 100, batch: 100, reps: 3, headline: false },
  ],
  steady: [
    { clients: 1000, rate: 100, durationMs: 10_000, warmupMs: 1000, drainMs: 10_000, reps: 3 },
    { clients: 1000, rate: 1000, durationMs: 10_000, warmupMs: 1000, drainMs: 10_000, reps: 3 },
  ],
  connections: { count: 10_000, concurrency: 256 },
  stream: { events: 100_000, reps: 3 },
  predicate: { clients: 1000, events: 1000, batch: 100, reps: 3, headline: false },
  resume: { clients: 10_000, warmEvents: 10, missed: 100, concurrency: 10_000 },
  stallMs: 10_000,
  repBudgetMs: 45_000,
  repDeadlineMs: 120_000,
  graceMs: 500,
  settleMs: 500,
};

export const QUICK: Plan = {
  mode: 'quick',
  bursts: [{ clients: 10, events: 50, batch: 10, reps: 1, headline: true }],
  steady: [{ clients: 10, rate: 50, durationMs: 1000, warmupMs: 200, drainMs: 3000, reps: 1 }],
  connections: { count: 100, concurrency: 32 },
  stream: { events: 500, reps: 1 },
  predicate: { clients: 10, events: 50, batch: 10, reps: 1, headline: false },
  resume: { clients: 20, warmEvents: 5, missed: 20, concurrency: 20 },
  stallMs: 5000,
  repBudgetMs: 5000,
  repDeadlineMs: 10_000,
  graceMs: 100,
  settleMs: 100,
};
