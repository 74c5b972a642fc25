// `GET {base}` and `GET {base}/events/:name`, for every adapter: read the query, take a connection
// slot (admit.ts), authorize, check the names, then hand a connection on the adapter's sink to the hub.
import { SseConnection } from '../hub/connection.js';
import { sharedFilter } from '../hub/filter.js';
import { authorizeRequest } from './access.js';
import { admitStream } from './admit.js';
import { type RouteContext, streamPreamble } from './context.js';
import type { IncomingRequest } from './incoming.js';
import { checkEventNames, readEventsQuery } from './query.js';
import type { Answer } from './respond.js';

/**
 * Plan a broadcast stream: refused with a JSON error, or a stream whose `open` registers the
 * connection and hands it to the hub (which replays first when the client resumes).
 */
export function planEvents(
  ctx: RouteContext,
  incoming: IncomingRequest,
  fixedEvent?: string,
): Promise<Answer> {
  return admitStream(ctx, incoming, {
    read: () => readEventsQuery(incoming.params, incoming.lastEventId, fixedEvent),
    async authorize(query) {
      const access = await authorizeRequest(ctx.options, incoming.native, {
        type: 'events',
        events: query.events ?? Object.keys(ctx.contract.events),
        topics: query.topics,
      });
      checkEventNames(ctx.contract, query);
      return { query, access };
    },
    open({ query, access }, sink, release) {
      const conn = new SseConnection({
        sink,
        filter: sharedFilter(query.events, query.topics),
        predicate: access.predicate,
        principal: access.principal,
        ip: incoming.clientAddress,
      });
      ctx.stats.connections += 1;
      // [DESIGN] cleanup when the response closes, not the request: the request ends as soon as its
      // (empty) body is read, the response only when the client or the server ends it.
      sink.onClose(() => {
        ctx.hub.remove(conn);
        ctx.stats.connections -= 1;
        release();
      });
      sink.write(streamPreamble(ctx.retryMs));
      ctx.hub.add(conn, query.lastEventId).catch((error: unknown) => {
        ctx.options.onError?.(error, { type: 'broker' });
        sink.destroy();
      });
    },
  });
}
