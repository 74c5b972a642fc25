/**
 * Burst fan-out: N subscribers, M events published as fast as the server takes them (K per
 * event-loop tick), and the rate of delivery measured from the first publish to the moment the last
 * client received its last event.
 */

import type { ContenderInfo } from '../runner/contenders.js';
import { control, waitForRunEnd } from '../runner/control.js';
import type { BurstPlan } from '../runner/plan.js';
import type { BurstCell, Cell } from '../runner/results.js';
import { withServer } from '../runner/with-server.js';
import { now } from '../shared/clock.js';
import { type ScenarioContext, sampleEvery, subscribeAll } from './common.js';

export function runBurst(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  plan: BurstPlan,
): Promise<BurstCell | Cell> {
  return withServer(contender, async (hello): Promise<BurstCell> => {
    const read = { mode: 'seq', sampleEvery: sampleEvery(plan.clients) } as const;
    const rates: number[] = [];
    try {
      await subscribeAll(ctx, hello, plan.clients, read);
      for (let rep = 0; rep < plan.reps; rep++) {
        const began = now();
        await ctx.pool.arm(plan.events, read);
        await control.burst(hello.port, plan.events, plan.batch);
        const got = await ctx.pool.collect({
          deadlineMs: 300_000,
          stallMs: ctx.plan.stallMs,
          graceMs: Math.min(500, ctx.plan.stallMs),
        });
        const run = await waitForRunEnd(hello.port, 10_000);
        const expected = plan.clients * plan.events;
        if (got.exact !== got.clients || got.orderErrors > 0) {
          return {
            contender: contender.id,
            status: 'failed',
            rates,
            note:
              `repetition ${rep + 1}: ${got.outcome}; ${got.exact} of ${got.clients} clients got exactly ` +
              `${plan.events} events (min ${got.minCount}, max ${got.maxCount}, ${got.totalEvents} of ${expected} in all)` +
              (got.orderErrors > 0
                ? `; ${got.orderErrors} order errors, first: ${got.firstOrderError}`
                : ''),
          };
        }
        if (run === undefined) throw new Error('the server did not report its burst');
        rates.push(expected / ((got.lastAt - run.startedAt) / 1000));
        if (now() - began > ctx.plan.repBudgetMs) break;
      }
      return { contender: contender.id, status: 'ok', rates };
    } finally {
      await ctx.pool.closeAll();
    }
  });
}
