import type { ContenderInfo } from './contenders.js';
import type { BurstCell, Cell } from './results.js';

type RateCell = BurstCell;

function merge(prev: RateCell | undefined, next: RateCell, round: number): RateCell {
  const joined = (key: 'rates' | 'serverCpu' | 'loadgenCpu') => [
    ...(prev?.[key] ?? []),
    ...(next[key] ?? []),
  ];
  const note =
    next.note === undefined ? prev?.note : `${round > 1 ? `round ${round}: ` : ''}${next.note}`;
  return {
    contender: next.contender,
    status: next.status,
    ...(note === undefined ? {} : { note }),
    rates: joined('rates'),
    serverCpu: joined('serverCpu'),
    loadgenCpu: joined('loadgenCpu'),
  };
}

/**
 * Run `rounds` repetitions of one measurement for every contender, round by round (A B C, A B C…),
 * each on a fresh server, so that a slow moment of a shared machine spreads over all of them. A
 * contender leaves the rounds at its first result that is not `ok`, or once one repetition took
 * longer than `budgetMs`.
 */
export async function inRounds(options: {
  rounds: number;
  contenders: readonly ContenderInfo[];
  budgetMs: number;
  run: (contender: ContenderInfo) => Promise<RateCell | Cell>;
  onResult: (cell: RateCell | Cell) => void;
}): Promise<RateCell[]> {
  const cells = new Map<string, RateCell>();
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
