/**
 * express-zod-api's EventStreamFactory on express. Its stream endpoints run one handler per
 * connection with an `emit` function, so the broadcast keeps a set of them; every `emit` validates
 * the event against its schema and serialises it for that subscriber, as the library does.
 */
import express from 'express';
import { attachRouting, createConfig, EventStreamFactory, ez } from 'express-zod-api';
import { z } from 'zod';
import type { PriceEvent } from '../shared/workload.js';
import { serve, ticks } from './harness.js';

const price = z.object({ symbol: z.string(), price: z.number(), at: ez.dateOut() });
type Emit = (event: 'price', data: PriceEvent) => void;
const emitters = new Set<Emit>();

// The library sends its response head with the first event (or after 10 s): a `ready` event at
// connect makes a subscriber see its stream open at once, as with the other contenders.
const events = new EventStreamFactory({ price, ready: z.literal(true) }).buildVoid({
  handler: async ({ ctx: { emit, signal } }) => {
    emit('ready', true);
    const send: Emit = (name, data) => emit(name, data);
    emitters.add(send);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    emitters.delete(send);
  },
});

const stream = new EventStreamFactory({ tick: price, end: z.object({}) }).buildVoid({
  input: z.object({ count: z.coerce.number().int().min(0) }),
  handler: async ({ input, ctx: { emit, isClosed } }) => {
    for await (const event of ticks(input.count)) {
      if (isClosed()) return;
      emit('tick', event);
    }
    emit('end', {});
  },
});

const app = express();
const config = createConfig({ app, cors: false, startupLogo: false, logger: { level: 'warn' } });
attachRouting(config, { events, stream });

await serve({
  subscribePath: '/events',
  streamPath: '/stream?count={count}',
  handler: app,
  publish(event) {
    for (const send of emitters) send('price', event);
  },
  subscribers: () => emitters.size,
});
