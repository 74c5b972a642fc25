// One server process per measurement: `withServer` starts a contender's server, runs a scenario
// against it and stops it; a crash or an unavailable contender becomes the cell it reports.
import type { ServerHello } from '../shared/protocol.js';
import type { ContenderInfo } from './contenders.js';
import { startServer } from './processes.js';
import type { Cell } from './results.js';

type Ready = Extract<ServerHello, { type: 'ready' }>;

/** Contenders found unavailable once are not started again. */
const unavailable = new Map<string, string>();

/**
 * Start the contender's server, run `body` against it, stop it. A contender that reports itself
 * unavailable gives an `unavailable` cell; a throw, or a server that died meanwhile, a `failed` one
 * with the tail of its stderr.
 */
export async function withServer<TCell extends Cell>(
  contender: ContenderInfo,
  body: (hello: Ready) => Promise<TCell>,
): Promise<TCell | Cell> {
  const known = unavailable.get(contender.id);
  if (known !== undefined) return { contender: contender.id, status: 'unavailable', note: known };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(contender.script, contender.env, undefined, contender.runtime);
    if (server.hello.type === 'unavailable') {
      unavailable.set(contender.id, server.hello.reason);
      return { contender: contender.id, status: 'unavailable', note: server.hello.reason };
    }
    const cell = await body(server.hello);
    if (!server.alive()) {
      return { contender: contender.id, status: 'failed', note: `server died\n${server.stderr()}` };
    }
    return cell;
  } catch (error) {
    if (contender.pending && server === undefined) {
      const reason = `not available yet: ${(error as Error).message}`;
      unavailable.set(contender.id, reason);
      return { contender: contender.id, status: 'unavailable', note: reason };
    }
    const died =
      server !== undefined && !server.alive() ? ` (server died)\n${server.stderr()}` : '';
    return {
      contender: contender.id,
      status: 'failed',
      note: `${(error as Error).message}${died}`,
    };
  } finally {
    await server?.stop();
  }
}

/** Record a contender that cannot run (its bundle did not build). */
export function markUnavailable(contenderId: string, reason: string): void {
  unavailable.set(contenderId, reason);
}
