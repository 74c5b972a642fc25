/**
 * Repetitions in alternating rounds (A B C, A B C, A B C), each on a fresh server, so that a slow
 * moment of a shared machine hits every contender alike; and the merge of their cells.
 */
import type { ContenderInfo } from './contenders.js';
import {
  type BurstCell,
  type Cell,
  median,
  type SteadyCell,
  type SteadyFigures,
} from './results.js';

type RateCell = BurstCell;
type Merge<T extends Cell> = (prev: T | undefined, next: T | Cell, round: number) => T;

function roundNote(prev: Cell | undefined, next: Cell, round: number): string | undefined {
  return next.note === undefined
    ? prev?.note
    : `${round > 1 ? `round ${round}: ` : ''}${next.note}`;
}

/** Rates and CPU figures of burst and stream repetitions, one array entry per repetition. */
export function mergeRates(
  prev: RateCell | undefined,
  next: RateCell | Cell,
  round: number,
): RateCell {
  const n = next as RateCell;
  const joined = (key: 'rates' | 'serverCpu' | 'loadgenCpu' | 'cpuPerEventUs') => [
    ...(prev?.[key] ?? []),
    ...(n[key] ?? []),
  ];
  const note = roundNote(prev, next, round);
  return {
    contender: next.contender,
    status: next.status,
    ...(note === undefined ? {} : { note }),
    rates: joined('rates'),
    serverCpu: joined('serverCpu'),
    loadgenCpu: joined('loadgenCpu'),
    cpuPerEventUs: joined('cpuPerEventUs'),
  };
}

/** Steady-rate repetitions: every one kept in `rounds`, the medians on top. */
export function mergeSteady(
  prev: SteadyCell | undefined,
  next: SteadyCell | Cell,
  round: number,
): SteadyCell {
  const n = next as SteadyCell;
  const figures: SteadyFigures = {
    p50Ms: n.p50Ms,
    p99Ms: n.p99Ms,
    maxMs: n.maxMs,
    samples: n.samples,
    delivered: n.delivered,
    maxPublishLagMs: n.maxPublishLagMs,
    cpuPerEventUs: n.cpuPerEventUs,
  };
  const rounds = [...(prev?.rounds ?? []), figures];
  const med = (key: keyof SteadyFigures) =>
    median(rounds.map((r) => r[key]).filter((v): v is number => v !== undefined));
  const note = roundNote(prev, next, round);
  return {
    contender: next.contender,
    status: next.status,
    ...(note === undefined ? {} : { note }),
    rounds,
    p50Ms: med('p50Ms'),
    p99Ms: med('p99Ms'),
    maxMs: med('maxMs'),
    samples: med('samples'),
    delivered: med('delivered'),
    maxPublishLagMs: med('maxPublishLagMs'),
    cpuPerEventUs: med('cpuPerEventUs'),
  };
}

/**
 * Run `rounds` repetitions of one measurement for every contender, round by round, each on a fresh
 * server. A contender leaves the rounds at its first result that is not `ok`, or once one
 * repetition took longer than `budgetMs`.
 */
export async function inRounds<T extends Cell = RateCell>(options: {
  rounds: number;
  contenders: readonly ContenderInfo[];
  budgetMs: number;
  run: (contender: ContenderInfo) => Promise<T | Cell>;
  onResult: (cell: T | Cell) => void;
  merge?: Merge<T>;
}): Promise<T[]> {
  const merge = options.merge ?? (mergeRates as unknown as Merge<T>);
  const cells = new Map<string, T>();
  const done = new Set<string>();
  for (let round = 1; round <= options.rounds; round++) {
    for (const contender of options.contenders) {
      if (done.has(contender.id)) continue;
      const began = Date.now();
      const cell = await options.run(contender);
      options.onResult(cell);
      cells.set(contender.id, merge(cells.get(contender.id), cell, round));
      if (cell.status !== 'ok' || Date.now() - began > options.budgetMs) done.add(contender.id);
    }
  }
  return options.contenders.map((c) => cells.get(c.id)!);
}
