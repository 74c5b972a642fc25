/**
 * tRPC v11 on its express adapter: subscriptions over SSE, as `httpSubscriptionLink` reads them. The
 * broadcast is the pattern of tRPC's docs: an EventEmitter, `on(ee, …)` per subscription, `tracked`
 * ids so that clients can resume.
 */
import { EventEmitter, on } from 'node:events';
import { initTRPC, tracked } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';
import { z } from 'zod';
import type { PriceEvent } from '../shared/workload.js';
import { serve, ticks } from './harness.js';

const t = initTRPC.create();
const ee = new EventEmitter();
ee.setMaxListeners(0);
let subscribers = 0;

const appRouter = t.router({
  prices: t.procedure.subscription(async function* ({ signal }) {
    const events = on(ee, 'price', { signal });
    subscribers++;
    try {
      for await (const [seq, event] of events as AsyncIterable<[number, PriceEvent]>) {
        yield tracked(String(seq), event);
      }
    } finally {
      subscribers--;
    }
  }),
  ticks: t.procedure
    .input(z.object({ count: z.number().int().min(0) }))
    .subscription(async function* ({ input }) {
      let id = 0;
      for await (const event of ticks(input.count)) yield tracked(String(++id), event);
    }),
});

const app = express();
app.use('/trpc', createExpressMiddleware({ router: appRouter }));

await serve({
  subscribePath: '/trpc/prices',
  // `{count}` is filled in by the runner, so the JSON is percent-encoded around it.
  streamPath: `/trpc/ticks?input=${encodeURIComponent('{"count":')}{count}%7D`,
  handler: app,
  publish(event, seq) {
    ee.emit('price', seq, event);
  },
  subscribers: () => subscribers,
});
