/** Role `server`: express + createSseServer on the memory broker or the Redis one, driven over IPC. */
import http from 'node:http';
import type net from 'node:net';
import { defineContract, isoDate } from '@ssekit/core';
import { redisBroker } from '@ssekit/redis';
import { type Broker, createSseServer } from '@ssekit/server';
import express from 'express';
import { z } from 'zod-workspace';
import { now } from '../shared/clock.js';
import { makePrice } from '../shared/workload.js';
import { KEY, type RunReply, type ServerCommand } from './protocol.js';

const price = z.object({ symbol: z.string(), price: z.number(), at: isoDate() });
const contract = defineContract({ events: { price } });

/**
 * Serve `/sse` on a free port, say `{ type: 'ready', port }`, then publish on command: each event
 * with the next sequence number (burst) or the publish time (steady) as `price`, and its symbol as topic.
 */
export async function server(config: { redisUrl?: string }): Promise<void> {
  const broker: Broker | undefined = config.redisUrl
    ? redisBroker({ url: config.redisUrl }, { key: KEY, maxEvents: 100_000 })
    : undefined;
  // As in servers/ssekit.ts: room for every connection, buffers as unbounded as the other contenders'.
  const sse = createSseServer(contract, {
    broker,
    maxConnections: 100_000,
    maxConnectionsPerIp: null,
    maxBufferedBytes: 256 * 1024 * 1024,
  });
  const app = express();
  app.use('/sse', sse.router);
  const httpServer = http.createServer(app);
  httpServer.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await new Promise((resolve) => httpServer.once('listening', resolve));

  let seq = 0;
  let run: RunReply = { type: 'run', startedAt: 0, endedAt: 0, published: 0, failed: 0 };
  const pending = new Set<Promise<unknown>>();
  const publishOne = (mode: 'seq' | 'time') => {
    seq++;
    const event = makePrice(seq, mode === 'time' ? now() : seq);
    const id = sse.publish('price', event, { topic: event.symbol }) as string | Promise<string>;
    run.published++;
    if (typeof id !== 'string') {
      const settled = id.catch(() => {
        run.failed++;
      });
      pending.add(settled);
      settled.finally(() => pending.delete(settled));
    }
  };
  const finish = async (reply: (r: RunReply) => void) => {
    await Promise.all(pending);
    run.endedAt = now();
    reply(run);
  };

  process.on('message', (command: ServerCommand) => {
    const reply = (message: unknown) => process.send?.(message);
    switch (command.type) {
      case 'stats':
        reply({ type: 'stats', connections: sse.stats().connections });
        break;
      case 'burst': {
        run = { type: 'run', startedAt: 0, endedAt: 0, published: 0, failed: 0 };
        const step = () => {
          if (run.published === 0) run.startedAt = now();
          const end = Math.min(command.count, run.published + command.batch);
          while (run.published < end) publishOne('seq');
          if (run.published < command.count) setImmediate(step);
          else void finish(reply);
        };
        setImmediate(step);
        break;
      }
      case 'steady': {
        const planned = Math.round((command.rate * command.durationMs) / 1000);
        run = { type: 'run', startedAt: now(), endedAt: 0, published: 0, failed: 0 };
        const timer = setInterval(() => {
          const due = Math.min(
            planned,
            Math.floor(((now() - run.startedAt) * command.rate) / 1000) + 1,
          );
          while (run.published < due) publishOne('time');
          if (run.published >= planned) {
            clearInterval(timer);
            void finish(reply);
          }
        }, 1);
        break;
      }
    }
  });
  process.send?.({ type: 'ready', port: (httpServer.address() as net.AddressInfo).port });
}
