/**
 * Burst fan-out: N subscribers, M events published as fast as the server takes them (K per
 * event-loop tick), and the rate of delivery measured from the first publish to the moment the last
 * client received its last event. One call is one repetition on a fresh server; the runner
 * interleaves repetitions of all contenders, so that a noisy moment of the machine hits them alike.
 */

import type { ContenderInfo } from '../runner/contenders.js';
import { control } from '../runner/control.js';
import type { BurstPlan } from '../runner/plan.js';
import type { BurstCell, Cell } from '../runner/results.js';
import { withServer } from '../runner/with-server.js';
import { now } from '../shared/clock.js';
import { collectUntilDone, type ScenarioContext, sampleEvery, subscribeAll } from './common.js';

/**
 * The warm-up before a measured burst: `fraction` of its events, made even (a predicate that lets
 * every other event through splits it exactly, and the measured burst's sequence goes on from it).
 */
export function warmUpEvents(plan: BurstPlan, fraction: number): number {
  return 2 * Math.floor((plan.events * fraction) / 2);
}

/** A burst whose server lets only some events through to each client (a filtering predicate). */
export interface Filtered {
  /** Events each client receives of the `plan.events` published. */
  readonly perClient: number;
  /** How much ids and sequence numbers grow between two delivered events. */
  readonly step: number;
}

export function runBurst(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  plan: BurstPlan,
  filtered?: Filtered,
): Promise<BurstCell | Cell> {
  return withServer(contender, async (hello): Promise<BurstCell> => {
    const read = {
      mode: 'seq',
      sampleEvery: sampleEvery(plan.clients),
      ...(filtered === undefined ? {} : { step: filtered.step }),
    } as const;
    const perClient = filtered?.perClient ?? plan.events;
    const expected = plan.clients * perClient;
    try {
      await subscribeAll(ctx, hello, plan.clients, read);
      const warm = ctx.plan.warmUp ? warmUpEvents(plan, ctx.plan.warmUp) : 0;
      if (warm > 0) {
        // Not measured: the same connections take part of the burst first, so that what is
        // measured is the server's steady state, not its JIT compiling the path and its heap growing.
        const warmPerClient = filtered ? (warm * filtered.perClient) / plan.events : warm;
        await ctx.pool.arm(warmPerClient, read);
        await control.burst(hello.port, warm, plan.batch);
        const warmed = await collectUntilDone(ctx, hello.port, {
          deadlineMs: ctx.plan.repDeadlineMs,
          graceMs: ctx.plan.graceMs,
        });
        if (warmed.exact !== warmed.clients || warmed.orderErrors > 0) {
          return {
            contender: contender.id,
            status: 'failed',
            note: `warm-up: ${warmed.outcome}, ${warmed.orderErrors} order errors (${warmed.firstOrderError ?? 'none'}), ${warmed.exact} of ${warmed.clients} clients got all ${warmPerClient}`,
          };
        }
      }
      const loadgenCpuBefore = await ctx.pool.arm(perClient, read);
      // The run's start is taken when the server answers, just before its first publish: a
      // contender that then blocks its event loop for minutes cannot be asked again.
      const run = await control.burst(hello.port, plan.events, plan.batch);
      const got = await collectUntilDone(ctx, hello.port, {
        deadlineMs: ctx.plan.repDeadlineMs,
        graceMs: ctx.plan.graceMs,
      });
      const counts =
        `${got.exact} of ${got.clients} clients got exactly ${perClient} events ` +
        `(min ${got.minCount}, max ${got.maxCount}, ${got.totalEvents} of ${expected} in all)`;
      if (got.orderErrors > 0) {
        return {
          contender: contender.id,
          status: 'failed',
          note: `${got.orderErrors} order errors, first: ${got.firstOrderError}; ${counts}`,
        };
      }
      if (got.outcome === 'deadline') {
        // Not done after `elapsed`: the burst's rate is below expected / elapsed, an upper bound.
        // (Events delivered so far say little: a server may send nothing until its publish loop ends.)
        const elapsed = (now() - run.startedAt) / 1000;
        return {
          contender: contender.id,
          status: 'partial',
          rates: [expected / elapsed],
          note: `${((got.totalEvents / expected) * 100).toFixed(1)}% delivered in ${elapsed.toFixed(0)} s`,
        };
      }
      if (got.exact !== got.clients) {
        return { contender: contender.id, status: 'failed', note: `${got.outcome}; ${counts}` };
      }
      const wallMs = got.lastAt - run.startedAt;
      const server = await control.stats(hello.port);
      return {
        contender: contender.id,
        status: 'ok',
        rates: [expected / (wallMs / 1000)],
        serverCpu: [(server.cpuMs - run.cpuMs) / wallMs],
        // Every event was delivered: the window's server CPU over all of them, in µs.
        cpuPerEventUs: [((server.cpuMs - run.cpuMs) * 1000) / expected],
        loadgenCpu: [(got.cpuMs - loadgenCpuBefore) / wallMs],
      };
    } finally {
      await ctx.pool.closeAll();
    }
  });
}
