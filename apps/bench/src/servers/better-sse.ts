/** better-sse on node:http: one Channel, every subscriber a Session registered to it. */
import { createChannel, createSession } from 'better-sse';
import { serve, ticks } from './harness.js';
import { countParam } from './sse-node.js';

const channel = createChannel();

await serve({
  subscribePath: '/events',
  streamPath: '/stream?count={count}',
  handler(req, res) {
    if (req.url === '/events') {
      createSession(req, res).then((session) => channel.register(session));
    } else if (req.url?.startsWith('/stream?')) {
      // RPC-style stream: better-sse's own iterator helper, then an end event.
      createSession(req, res).then(async (session) => {
        await session.iterate(ticks(countParam(req)), { eventName: 'tick' });
        session.push({}, 'end');
        res.end();
      });
    } else {
      res.writeHead(404).end();
    }
  },
  publish(event, seq) {
    channel.broadcast(event, 'price', { eventId: String(seq) });
  },
  subscribers: () => channel.sessionCount,
});
