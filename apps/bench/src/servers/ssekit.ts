/**
 * ssekit: `createSseServer` with the in-memory broker, validation on, its express router (or, with
 * `SSEKIT_BENCH_ADAPTER=fetch`, its Fetch API handler behind @hono/node-server's bridge). Bundled
 * from the workspace sources by the runner; a build or start-up failure makes the contender
 * "not available yet" in the report rather than failing the run.
 */
import { getRequestListener } from '@hono/node-server';
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

/**
 * Variants for the predicate fan-out scenario, chosen by the runner through the environment:
 * `SSEKIT_BENCH_AUTHORIZE` = `all` (a predicate that accepts every event), `half` (one that rejects
 * two of the four symbols' topics), or unset (no `authorize`); `SSEKIT_BENCH_TOPIC=1` publishes every
 * event with its symbol as topic, so that the variants differ in the predicate only.
 */
const AUTHORIZE = process.env.SSEKIT_BENCH_AUTHORIZE;
const WITH_TOPIC = process.env.SSEKIT_BENCH_TOPIC === '1';
const HALF_TOPICS = new Set(['AAPL', 'GOOG']);

function authorizeOption() {
  if (AUTHORIZE === 'all') return { authorize: () => (_event: string, _topic?: string) => true };
  if (AUTHORIZE === 'half') {
    return {
      authorize: () => (_event: string, topic: string | undefined) =>
        topic !== undefined && HALF_TOPICS.has(topic),
    };
  }
  return {};
}

function start() {
  try {
    return createSseServer(contract, {
      ...authorizeOption(),
      // Above the bench's 10 000 connections, and buffers as unbounded as the other contenders':
      // the raw load generator does not reconnect after a slow-consumer close.
      maxConnections: 100_000,
      maxConnectionsPerIp: null,
      maxBufferedBytes: 256 * 1024 * 1024,
      fetch: { basePath: '/sse' },
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
// The same server through `sse.fetch`: node:http → Request → Response → node:http, as Hono on Node
// (and any Fetch framework on Node) serves it.
const fetchListener = getRequestListener((request, env) => sse.fetch(request, env));
const handler = process.env.SSEKIT_BENCH_ADAPTER === 'fetch' ? fetchListener : app;

await serve({
  subscribePath: '/sse/events/price',
  streamPath: `/sse/streams/ticks?input=${encodeURIComponent('{"count":')}{count}%7D`,
  handler,
  publish(event) {
    if (WITH_TOPIC) sse.publish('price', event, { topic: event.symbol });
    else sse.publish('price', event);
  },
  subscribers: () => sse.stats().connections,
});
