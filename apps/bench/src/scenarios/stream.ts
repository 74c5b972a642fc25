/**
 * RPC stream throughput: one client, one request, M events produced by an async generator on the
 * server, the rate from the request to the last event. One call is one repetition on a fresh server.
 */
import type { ContenderInfo } from '../runner/contenders.js';
import { control } from '../runner/control.js';
import type { Cell, StreamCell } from '../runner/results.js';
import { withServer } from '../runner/with-server.js';
import type { ScenarioContext } from './common.js';

export function runStream(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  events: number,
): Promise<StreamCell | Cell> {
  return withServer(contender, async (hello): Promise<StreamCell | Cell> => {
    if (hello.streamPath === undefined) return { contender: contender.id, status: 'n/a' };
    const path = hello.streamPath.replace('{count}', String(events));
    const cpuBefore = (await control.stats(hello.port)).cpuMs;
    const got = await ctx.pool.stream({
      port: hello.port,
      path,
      events,
      deadlineMs: ctx.plan.repDeadlineMs,
    });
    const seconds = ((got.lastAt || got.startedAt) - got.startedAt) / 1000;
    const problems = [
      got.status !== 200 ? `HTTP ${got.status}` : undefined,
      got.count > events ? `${got.count} of ${events} events` : undefined,
      got.orderErrors > 0
        ? `${got.orderErrors} order errors, first: ${got.firstOrderError}`
        : undefined,
    ].filter((p) => p !== undefined);
    if (problems.length > 0) {
      return { contender: contender.id, status: 'failed', note: problems.join('; ') };
    }
    if (got.timedOut && got.count < events) {
      return {
        contender: contender.id,
        status: 'partial',
        // An upper bound: the whole stream would have taken longer than the deadline.
        rates: [events / (ctx.plan.repDeadlineMs / 1000)],
        note: `${got.count} of ${events} events in ${(ctx.plan.repDeadlineMs / 1000).toFixed(0)} s`,
      };
    }
    if (got.count !== events || !got.ended) {
      const why =
        got.count !== events ? `${got.count} of ${events} events` : 'the stream did not end';
      return { contender: contender.id, status: 'failed', note: `${why}; ${got.error ?? ''}` };
    }
    const cpuAfter = (await control.stats(hello.port)).cpuMs;
    return {
      contender: contender.id,
      status: 'ok',
      rates: [events / seconds],
      cpuPerEventUs: [((cpuAfter - cpuBefore) * 1000) / events],
    };
  });
}
