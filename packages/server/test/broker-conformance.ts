// The conformance suite every `Broker` passes (the memory broker here, the Redis broker in
// packages/redis/test): the ordering and resume contract that the replay cursor relies on.
import type { Broker, BrokerEvent } from '@ssekit/server';
import { describe, expect, it } from 'vitest';
import { waitFor } from './utils.js';

export interface ConformanceTarget {
  /** A new, empty broker keeping `maxEvents` events. */
  create(options: { maxEvents: number }): Promise<Broker> | Broker;
}

const entry = (n: number, topic?: string) => ({ event: 'tick', topic, data: `{"n":${n}}` });
const ns = (events: readonly BrokerEvent[]) => events.map((e) => JSON.parse(e.data).n as number);

export function describeBrokerConformance(name: string, target: ConformanceTarget): void {
  describe(`Broker conformance: ${name}`, () => {
    it('appends in order: ids compare increasing, readSince gives them back oldest first', async () => {
      const broker = await target.create({ maxEvents: 1_000 });
      try {
        const start = await broker.lastId();
        const ids: string[] = [];
        for (let n = 0; n < 20; n++)
          ids.push(await broker.append(entry(n, n % 2 ? 'a' : undefined)));
        for (let i = 1; i < ids.length; i++)
          expect(broker.compare(ids[i]!, ids[i - 1]!)).toBeGreaterThan(0);
        expect(await broker.lastId()).toBe(ids.at(-1));
        const all = await broker.readSince(start);
        expect(all.type).toBe('events');
        if (all.type !== 'events') return;
        expect(all.events.map((e) => e.id)).toEqual(ids);
        expect(all.events[1]).toMatchObject({ event: 'tick', topic: 'a', data: '{"n":1}' });
        const after = await broker.readSince(ids[9]!);
        expect(after.type === 'events' && ns(after.events)).toEqual([
          10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        ]);
        expect(await broker.readSince(ids.at(-1)!)).toMatchObject({ type: 'events', events: [] });
      } finally {
        await broker.close();
      }
    });

    it('pages with limit: `more` until the newest, and the pages join up exactly', async () => {
      const broker = await target.create({ maxEvents: 1_000 });
      try {
        let position = await broker.lastId();
        for (let n = 0; n < 25; n++) await broker.append(entry(n));
        const got: number[] = [];
        for (let page = 0; page < 10; page++) {
          const result = await broker.readSince(position, { limit: 10 });
          if (result.type !== 'events') throw new Error(`reset ${result.reason}`);
          got.push(...ns(result.events));
          if (result.events.length > 0) position = result.events.at(-1)!.id;
          if (!result.more) break;
          expect(result.events.length).toBe(10);
        }
        expect(got).toEqual(Array.from({ length: 25 }, (_, n) => n));
      } finally {
        await broker.close();
      }
    });

    it('subscribe delivers every append exactly once, in log order, and only once it is in the log', async () => {
      const broker = await target.create({ maxEvents: 1_000 });
      try {
        const start = await broker.lastId();
        const seen: BrokerEvent[] = [];
        let inLog = true;
        const off = broker.subscribe((events) => {
          seen.push(...events);
          void Promise.resolve(broker.readSince(start)).then((result) => {
            if (result.type !== 'events') inLog = false;
            else
              for (const event of events)
                if (!result.events.some((e) => e.id === event.id)) inLog = false;
          });
        });
        // Let an asynchronous broker start its tail before the appends.
        await broker.lastId();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const ids = await Promise.all(
          Array.from({ length: 30 }, (_, n) => broker.append(entry(n))),
        );
        await waitFor(() => seen.length >= 30, 'all delivered');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen.map((e) => e.id)).toEqual([...ids].sort((a, b) => broker.compare(a, b)!));
        expect(inLog).toBe(true);
        off();
        await broker.append(entry(99));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen.length).toBe(30);
      } finally {
        await broker.close();
      }
    });

    it('an id it cannot resume from is a reset carrying the newest id', async () => {
      const broker = await target.create({ maxEvents: 10 });
      try {
        const first = await broker.append(entry(0));
        for (let n = 1; n < 300; n++) await broker.append(entry(n));
        const newest = await broker.lastId();
        expect(await broker.readSince('garbage')).toEqual({
          type: 'reset',
          reason: 'malformed',
          lastId: newest,
        });
        const old = await broker.readSince(first);
        expect(old).toMatchObject({ type: 'reset', reason: 'too-old', lastId: newest });
      } finally {
        await broker.close();
      }
    });

    it('compare orders ids and says undefined for ids it cannot order', async () => {
      const broker = await target.create({ maxEvents: 100 });
      try {
        const a = await broker.append(entry(0));
        const b = await broker.append(entry(1));
        expect(broker.compare(a, b)).toBeLessThan(0);
        expect(broker.compare(b, a)).toBeGreaterThan(0);
        expect(broker.compare(a, a)).toBe(0);
        expect(broker.compare(a, 'garbage')).toBeUndefined();
      } finally {
        await broker.close();
      }
    });
  });
}
