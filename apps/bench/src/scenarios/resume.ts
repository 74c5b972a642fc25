/**
 * Resume storm: N clients subscribed and caught up; the server cuts every socket at once, publishes
 * M events while they are gone, then all reconnect at once with their `Last-Event-ID`. Measured: the
 * time until every client has its M missed events, the server's CPU over the storm, its peak RSS and
 * heap. Only contenders that replay from a log take part (ssekit; the batched baseline has none, and
 * better-sse reads `Last-Event-ID` into `session.lastId` but keeps no history to replay from).
 */
import type { ContenderInfo } from '../runner/contenders.js';
import { control, waitForRunEnd, waitForSubscribers } from '../runner/control.js';
import type { ResumePlan } from '../runner/plan.js';
import type { Cell, ResumeCell } from '../runner/results.js';
import { withServer } from '../runner/with-server.js';
import { now } from '../shared/clock.js';
import { collectUntilDone, type ScenarioContext, sampleEvery, subscribeAll } from './common.js';

/** Contenders that can replay what a client missed. */
export const RESUMABLE = new Set(['ssekit']);

export function runResume(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  plan: ResumePlan,
): Promise<ResumeCell | Cell> {
  return withServer(contender, async (hello): Promise<ResumeCell | Cell> => {
    const fail = (note: string): Cell => ({ contender: contender.id, status: 'failed', note });
    try {
      // Every client checked before the cut: each must know the id of the last event it got.
      const all = { mode: 'seq', sampleEvery: 1 } as const;
      await subscribeAll(ctx, hello, plan.clients, all);
      await ctx.pool.arm(plan.warmEvents, all);
      await control.burst(hello.port, plan.warmEvents, plan.warmEvents);
      const warm = await collectUntilDone(ctx, hello.port, {
        deadlineMs: ctx.plan.repDeadlineMs,
        graceMs: ctx.plan.graceMs,
      });
      if (warm.exact !== warm.clients || warm.orderErrors > 0) {
        return fail(
          `before the cut: ${warm.exact} of ${warm.clients} clients got ${plan.warmEvents} events, ${warm.orderErrors} order errors`,
        );
      }

      await control.peakStart(hello.port);
      const cpuBefore = (await control.stats(hello.port)).cpuMs;
      const { cut } = await control.cut(hello.port);
      const left = await waitForSubscribers(hello.port, 0, 60_000);
      if (left !== 0) return fail(`${left} subscribers still registered after the cut`);
      await control.burst(hello.port, plan.missed, plan.missed);
      if ((await waitForRunEnd(hello.port, 30_000)) === undefined) {
        return fail('the missed events were not published within 30 s');
      }

      const reconnectAt = now();
      const opened = await ctx.pool.reconnect({
        port: hello.port,
        path: hello.subscribePath,
        events: plan.missed,
        concurrency: plan.concurrency,
        read: { mode: 'seq', sampleEvery: sampleEvery(plan.clients) },
        timeoutMs: 120_000,
      });
      if (opened.failed > 0) {
        return fail(`${opened.failed} of ${plan.clients} reconnects failed: ${opened.firstError}`);
      }
      const got = await collectUntilDone(ctx, hello.port, {
        deadlineMs: ctx.plan.repDeadlineMs,
        graceMs: ctx.plan.graceMs,
      });
      const cpuMs = (await control.stats(hello.port)).cpuMs - cpuBefore;
      const peak = await control.peakStop(hello.port);
      const counts = `${got.exact} of ${got.clients} clients got exactly ${plan.missed} missed events (min ${got.minCount}, max ${got.maxCount})`;
      if (got.orderErrors > 0) {
        return fail(`${got.orderErrors} order errors, first: ${got.firstOrderError}; ${counts}`);
      }
      if (got.exact !== got.clients || got.lastAt === 0) return fail(`${got.outcome}; ${counts}`);
      return {
        contender: contender.id,
        status: 'ok',
        clients: plan.clients,
        missed: plan.missed,
        cut,
        reconnectedMs: opened.elapsedMs,
        caughtUpMs: got.lastAt - reconnectAt,
        serverCpuMs: cpuMs,
        cpuPerEventUs: (cpuMs * 1000) / (plan.clients * plan.missed),
        peakRss: peak.rss,
        peakHeapUsed: peak.heapUsed,
        startRss: peak.startRss,
        startHeapUsed: peak.startHeapUsed,
      };
    } finally {
      await ctx.pool.closeAll();
    }
  });
}
