/**
 * Steady rate: N subscribers, R events per second for D seconds, publish-to-receive latency. Each
 * event carries its publish time (wall clock, sub-millisecond) in `price`; the sampled clients
 * subtract it from the time their socket read arrived.
 */

import type { ContenderInfo } from '../runner/contenders.js';
import { control, waitForRunEnd } from '../runner/control.js';
import type { SteadyPlan } from '../runner/plan.js';
import { type Cell, quantile, type SteadyCell } from '../runner/results.js';
import { withServer } from '../runner/with-server.js';
import { now } from '../shared/clock.js';
import { collectUntilDone, type ScenarioContext, sampleEvery, subscribeAll } from './common.js';

export function runSteady(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  plan: SteadyPlan,
): Promise<SteadyCell | Cell> {
  return withServer(contender, async (hello): Promise<SteadyCell> => {
    try {
      // Latency is sampled on about 100 clients spread over the fan-out order.
      const connectRead = { mode: 'time', sampleEvery: sampleEvery(plan.clients, 100) } as const;
      await subscribeAll(ctx, hello, plan.clients, connectRead);
      const planned = Math.round((plan.rate * plan.durationMs) / 1000);
      await ctx.pool.arm(planned, { ...connectRead, warmupUntil: now() + plan.warmupMs });
      const started = await control.steady(hello.port, plan.rate, plan.durationMs);
      const got = await collectUntilDone(ctx, hello.port, {
        deadlineMs: plan.durationMs + plan.drainMs,
        graceMs: ctx.plan.graceMs,
      });
      const run = await waitForRunEnd(hello.port, got.outcome === 'complete' ? 30_000 : 2_000);
      // Server CPU over the window from the first publish to the last delivery (and the grace).
      const cpuMs = run === undefined ? undefined : (await control.stats(hello.port)).cpuMs;
      const expected = plan.clients * planned;
      const figures = {
        p50Ms: quantile(got.latencies, 0.5),
        p99Ms: quantile(got.latencies, 0.99),
        maxMs: got.latencies.at(-1),
        samples: got.latencies.length,
        delivered: got.totalEvents / expected,
        maxPublishLagMs: run?.maxLagMs,
        cpuPerEventUs:
          cpuMs === undefined || got.totalEvents === 0
            ? undefined
            : ((cpuMs - started.cpuMs) * 1000) / got.totalEvents,
      };
      if (got.orderErrors > 0) {
        return {
          contender: contender.id,
          status: 'failed',
          ...figures,
          note: `${got.orderErrors} order errors, first: ${got.firstOrderError}`,
        };
      }
      if (got.outcome === 'deadline') {
        return {
          contender: contender.id,
          status: 'overloaded',
          ...figures,
          note: `${(figures.delivered * 100).toFixed(1)}% delivered ${plan.drainMs / 1000} s after the last publish`,
        };
      }
      if (got.exact !== got.clients) {
        return {
          contender: contender.id,
          status: 'failed',
          ...figures,
          note:
            `${got.outcome}: ${got.exact} of ${got.clients} clients got exactly ${planned} events ` +
            `(min ${got.minCount}, max ${got.maxCount}, ${got.totalEvents} of ${expected} in all)`,
        };
      }
      return { contender: contender.id, status: 'ok', ...figures };
    } finally {
      await ctx.pool.closeAll();
    }
  });
}
