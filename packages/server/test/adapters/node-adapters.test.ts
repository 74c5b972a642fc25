// The adapter suite on Node, in this process: express (`sse.router`), Hono (`sse.fetch` through
// @hono/node-server), and a Next.js route handler module (`export const GET = sse.fetch`).
import { adapterSuite } from './suite.js';
import { startExpress, startHono, startNextRoute } from './targets.js';

adapterSuite('express 5 (sse.router)', startExpress);
adapterSuite('Hono on Node (sse.fetch via @hono/node-server)', startHono);
adapterSuite('a Next.js route handler module (GET/HEAD/POST = sse.fetch)', startNextRoute);
