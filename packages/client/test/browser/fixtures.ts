import { SseError } from '@ssekit/core';
import { createSseServer, type MemoryBroker } from '@ssekit/server';
import type { Request } from 'express';
import type { TestServer } from '../../../server/test/utils.js';
import { contract, tickDate } from './contract.js';
import type { ClientRecord, PageState, ReceivedTick } from './page-api.js';

export type Server = TestServer<typeof contract>;

/** The server's `retry:`: how long a browser waits before it reconnects. Short, to keep tests fast. */
export const retryMs = 100;

/** What the page must have recorded for ticks `from..to`: decoded, with a real Date. */
export function ticks(from: number, to: number): ReceivedTick[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    seq: from + i,
    note: `tick ${from + i}`,
    atIsDate: true,
    atIso: tickDate(from + i).toISOString(),
  }));
}

/** Publish ticks `from..to` and return their ids. */
export function publishTicks(
  publish: Server['sse']['publish'],
  from: number,
  to: number,
): string[] {
  const ids: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    ids.push(publish('tick', { seq, at: tickDate(seq), note: `tick ${seq}` }) as string);
  }
  return ids;
}

export function clientOf(state: PageState, key: string): ClientRecord {
  const record = state.clients[key];
  if (!record) throw new Error(`no client ${key} in the page`);
  return record;
}

/** Bearer-token access: the set of valid tokens can change, and every connect is recorded. */
export function bearerAuth(...tokens: string[]) {
  const valid = new Set(tokens);
  const seen: { authorization: string | null; lastEventId: string | null }[] = [];
  return {
    valid,
    seen,
    authorize(req: Request) {
      const authorization = req.headers.authorization ?? null;
      const lastEventId = req.headers['last-event-id'];
      seen.push({
        authorization,
        lastEventId: typeof lastEventId === 'string' ? lastEventId : null,
      });
      if (!authorization?.startsWith('Bearer ') || !valid.has(authorization.slice(7))) {
        throw new SseError('UNAUTHORIZED', 'A valid bearer token is required');
      }
      return true;
    },
  };
}

/** Take the server down as a crashed process would: no new connects, every socket cut. */
export async function stopServer(server: Server): Promise<void> {
  server.http.close();
  server.http.closeAllConnections();
  await server.close();
}

export const portOf = (server: Server) => Number(new URL(server.origin).port);

/**
 * A publisher on a broker without an HTTP server: it writes into the shared log while no server
 * runs, as another process would. Dispose it with `await using`; the broker stays open.
 */
export function logPublisher(
  broker: MemoryBroker,
): AsyncDisposable & Pick<Server['sse'], 'publish'> {
  const sse = createSseServer(contract, { broker });
  return { publish: sse.publish, [Symbol.asyncDispose]: () => sse.close() };
}
