/**
 * Connections: open N subscriptions (a bounded number at once) and measure how many per second get
 * their response head; then the server's heap and RSS per idle connection after full GCs; then
 * whether everything is released once the clients leave.
 */

import type { ContenderInfo } from '../runner/contenders.js';
import { control, waitForSubscribers } from '../runner/control.js';
import type { Cell, ConnectionsCell } from '../runner/results.js';
import { withServer } from '../runner/with-server.js';
import { sleep } from '../shared/clock.js';
import { type ScenarioContext, sampleEvery, subscribeAll } from './common.js';

const WARMUP_CLIENTS = 10;

export function runConnections(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  count: number,
): Promise<ConnectionsCell | Cell> {
  return withServer(contender, async (hello): Promise<ConnectionsCell> => {
    const read = { mode: 'seq', sampleEvery: sampleEvery(count) } as const;
    try {
      // Warm up code paths that run once (routers, schemas), so the baseline holds them already.
      await subscribeAll(ctx, hello, WARMUP_CLIENTS, read);
      await ctx.pool.closeAll();
      await waitForSubscribers(hello.port, 0, 10_000);
      const before = await control.memory(hello.port);

      const { elapsedMs } = await subscribeAll(ctx, hello, count, read);
      await sleep(ctx.plan.settleMs);
      const open = await control.memory(hello.port);

      await ctx.pool.closeAll();
      const leftOver = await waitForSubscribers(hello.port, 0, 5_000);
      await sleep(ctx.plan.settleMs);
      const after = await control.memory(hello.port);
      return {
        contender: contender.id,
        status: leftOver === 0 ? 'ok' : 'failed',
        count,
        setupRate: count / (elapsedMs / 1000),
        heapPerConnBytes: (open.heapUsed - before.heapUsed) / count,
        rssPerConnBytes: (open.rss - before.rss) / count,
        retainedHeapPerConnBytes: (after.heapUsed - before.heapUsed) / count,
        leftOver,
        ...(leftOver === 0
          ? {}
          : { note: `${leftOver} subscribers still registered 5 s after every client left` }),
      };
    } finally {
      await ctx.pool.closeAll();
    }
  });
}
