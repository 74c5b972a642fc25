// ReplayCursor on the memory broker: replay page by page, then live with no gap and no duplicate,
// whatever arrives during a read; resets from a bad id or from the broker.
import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../broker/memory.js';
import type { Broker, BrokerEvent, ReadResult, ReadSinceOptions } from '../broker/types.js';
import { ReplayCursor } from './cursor.js';

const entry = (n: number) => ({ event: 'tick', topic: undefined, data: `{"n":${n}}` });
const ns = (events: readonly BrokerEvent[]) => events.map((e) => JSON.parse(e.data).n as number);

/** The same log, with a read that runs `during` before it answers (as a slow Redis read would). */
function slowReads(broker: MemoryBroker, during: () => void): Broker {
  return {
    append: (e) => broker.append(e),
    readSince: async (id: string, options?: ReadSinceOptions): Promise<ReadResult> => {
      const result = broker.readSince(id, options);
      during();
      return result;
    },
    subscribe: (listener) => broker.subscribe(listener),
    lastId: () => broker.lastId(),
    compare: (a, b) => broker.compare(a, b),
    close: () => broker.close(),
  };
}

function setup(count: number) {
  const broker = new MemoryBroker({ maxEvents: 10_000 });
  const start = broker.lastId();
  for (let n = 0; n < count; n++) broker.append(entry(n));
  return { broker, start };
}

describe('ReplayCursor', () => {
  it('reads a gap page by page, then turns live at the last id', async () => {
    const { broker, start } = setup(600);
    const cursor = new ReplayCursor({ broker, from: start, pageSize: 256 });
    const pages: number[][] = [];
    while (!cursor.live) {
      const step = await cursor.read();
      if (step.type === 'events') pages.push(ns(step.events));
    }
    expect(pages.map((p) => p.length)).toEqual([256, 256, 88]);
    expect(pages.flat()).toEqual(Array.from({ length: 600 }, (_, n) => n));
    expect(cursor.position).toBe(broker.lastId());
  });

  it('live events at or before the replay are dropped over any number of batches, newer ones pass', async () => {
    const { broker, start } = setup(5);
    const cursor = new ReplayCursor({ broker, from: start });
    const live: BrokerEvent[] = [];
    broker.subscribe((events) => live.push(...events));
    const step = await cursor.read();
    expect(cursor.live).toBe(true);
    expect(step.type === 'events' && ns(step.events)).toEqual([0, 1, 2, 3, 4]);
    const replayed = broker.readSince(start);
    if (replayed.type !== 'events') throw new Error('reset');
    // The broker hands the replayed events over again, one per batch, then a new one.
    for (const event of replayed.events) expect(cursor.admit([event])).toEqual([]);
    expect(cursor.skipping).toBe(true);
    broker.append(entry(5));
    expect(ns(cursor.admit(live.slice(-1)))).toEqual([5]);
    expect(cursor.skipping).toBe(false);
  });

  it('holds live events that arrive during a read and appends those newer than the page', async () => {
    const { broker, start } = setup(3);
    // Published after the read's snapshot, before its answer: live only.
    const slow = slowReads(broker, () => broker.append(entry(3)));
    const cursor = new ReplayCursor({ broker: slow, from: start });
    const off = broker.subscribe((events) => cursor.admit(events));
    const step = await cursor.read();
    off();
    expect(step.type === 'events' && ns(step.events)).toEqual([0, 1, 2, 3]);
    expect(cursor.live).toBe(true);
  });

  it('stays in replay while the final step would be larger than maxCatchUpBytes', async () => {
    const { broker, start } = setup(10);
    const cursor = new ReplayCursor({ broker, from: start, pageSize: 100, maxCatchUpBytes: 300 });
    const first = await cursor.read();
    expect(first.type === 'events' && first.events.length).toBe(10);
    expect(cursor.live).toBe(false);
    const second = await cursor.read();
    expect(second.type === 'events' && second.events.length).toBe(0);
    expect(cursor.live).toBe(true);
  });

  it('a malformed or too-old id is one reset step, then the log from its id', async () => {
    const { broker } = setup(2);
    const cursor = new ReplayCursor({ broker, from: 'nope' });
    expect(await cursor.read()).toEqual({
      type: 'reset',
      reason: 'malformed',
      lastId: broker.lastId(),
    });
    expect(cursor.live).toBe(false);
    broker.append(entry(2));
    const step = await cursor.read();
    expect(step.type === 'events' && ns(step.events)).toEqual([2]);
  });

  it('a broker reset while live clears the skip and asks for a reset frame; during a read it becomes the next step', async () => {
    const { broker, start } = setup(1);
    const live = new ReplayCursor({ broker, from: start });
    await live.read();
    expect(live.reset({ reason: 'unknown-epoch', lastId: '0-0' })).toBe(true);
    expect(live.skipping).toBe(false);

    const slow = slowReads(broker, () => {
      expect(cursor.reset({ reason: 'unknown-epoch', lastId: 'x-0' })).toBe(false);
    });
    const cursor = new ReplayCursor({ broker: slow, from: start });
    expect(await cursor.read()).toEqual({ type: 'reset', reason: 'unknown-epoch', lastId: 'x-0' });
  });
});
