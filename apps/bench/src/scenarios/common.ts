// What every scenario needs: subscribing all clients (and waiting until the server counts them),
// collecting until every client is done or events were lost, and how many clients to check in full.
import { waitForRunEnd, waitForSubscribers } from '../runner/control.js';
import type { Collected, LoadgenPool } from '../runner/loadgens.js';
import type { Plan } from '../runner/plan.js';
import type { ReadSpec, ServerHello } from '../shared/protocol.js';

export type Ready = Extract<ServerHello, { type: 'ready' }>;

export interface ScenarioContext {
  readonly pool: LoadgenPool;
  readonly plan: Plan;
  readonly log: (line: string) => void;
}

/**
 * Open `clients` subscriptions and wait until the server has registered every one: a burst that
 * starts earlier would be lost on the late ones through no fault of the contender.
 */
export async function subscribeAll(
  ctx: ScenarioContext,
  hello: Ready,
  clients: number,
  read: ReadSpec,
): Promise<{ elapsedMs: number }> {
  if (!(hello.maxOpenFiles >= clients + 64)) {
    throw new Error(
      `the server may open ${hello.maxOpenFiles} files, too few for ${clients} connections: raise ulimit -n`,
    );
  }
  const opened = await ctx.pool.connect({
    port: hello.port,
    path: hello.subscribePath,
    count: clients,
    concurrency: ctx.plan.connections.concurrency,
    read,
    timeoutMs: 60_000,
  });
  if (opened.failed > 0) {
    throw new Error(`${opened.failed} of ${clients} subscriptions failed: ${opened.firstError}`);
  }
  const seen = await waitForSubscribers(hello.port, clients, 15_000);
  if (seen !== clients) throw new Error(`the server registered ${seen} of ${clients} subscribers`);
  return { elapsedMs: opened.elapsedMs };
}

/**
 * Collect until every client got its events, the deadline passed, or events were really lost:
 * counts that stopped moving while the server is idle and has published everything. A busy server
 * may keep the counts still for as long as it likes (Node corks a chunked response's writes until
 * its tick ends, and one tick of a slow contender can take a minute): that is slowness, not loss.
 */
export async function collectUntilDone(
  ctx: ScenarioContext,
  port: number,
  options: { deadlineMs: number; graceMs: number },
): Promise<Collected> {
  const deadlineAt = Date.now() + options.deadlineMs;
  let idleStalls = 0;
  for (;;) {
    const got = await ctx.pool.collect({
      deadlineMs: Math.max(0, deadlineAt - Date.now()),
      stallMs: ctx.plan.stallMs,
      graceMs: options.graceMs,
    });
    if (got.outcome !== 'stalled') return got;
    if ((await waitForRunEnd(port, 1000)) !== undefined) idleStalls++;
    if (idleStalls >= 2) return got;
    if (Date.now() >= deadlineAt) return { ...got, outcome: 'deadline' };
  }
}

/** About 50 fully checked clients, whatever the total. */
export function sampleEvery(clients: number, target = 50): number {
  return Math.max(1, Math.floor(clients / target));
}
