/**
 * ssekit: `createSseServer` with the in-memory broker, validation on, its express router. Bundled
 * from the workspace sources by the runner; a build or start-up failure makes the contender
 * "not available yet" in the report rather than failing the run.
 */
import { defineContract, isoDate } from '@ssekit/core';
import { createSseServer } from '@ssekit/server';
import express from 'express';
// The zod that @ssekit/core uses (the bench's own `zod` is 4.3, for express-zod-api's peer range).
import { z } from 'zod-workspace';
import { makePrice } from '../shared/workload.js';
import { serve, unavailable } from './harness.js';

const price = z.object({ symbol: z.string(), price: z.number(), at: isoDate() });
const contract = defineContract({
  events: { price },
  streams: {
    ticks: { input: z.object({ count: z.number().int().min(0) }), events: { tick: price } },
  },
});

function start() {
  try {
    return createSseServer(contract, {
      // Above the bench's 10 000 connections, and buffers as unbounded as the other contenders':
      // the raw load generator does not reconnect after a slow-consumer close.
      maxConnections: 100_000,
      maxConnectionsPerIp: null,
      maxBufferedBytes: 256 * 1024 * 1024,
      streams: {
        ticks: async function* ({ input, signal }) {
          for (let i = 1; i <= input.count; i++) {
            if (signal.aborted) return;
            yield { event: 'tick', data: makePrice(i, i) };
          }
        },
      },
    });
  } catch (error) {
    return unavailable(`createSseServer throws: ${(error as Error).message.split('\n')[0]}`);
  }
}

const sse = start();
const app = express();
app.use('/sse', sse.router);

await serve({
  subscribePath: '/sse/events/price',
  streamPath: `/sse/streams/ticks?input=${encodeURIComponent('{"count":')}{count}%7D`,
  handler: app,
  publish(event) {
    sse.publish('price', event);
  },
  subscribers: () => sse.stats().connections,
});
