// The hub on the memory broker and in-memory sinks, no sockets: one shared buffer per group per
// tick, replay then live, resets, the slow-consumer bound, a throwing predicate, heartbeats.
import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBroker } from '../broker/memory.js';
import type { ErrorContext } from '../types.js';
import { type EventPredicate, SseConnection } from './connection.js';
import { createFilter } from './filter.js';
import { Hub, type HubOptions } from './hub.js';
import type { SseSink } from './sink.js';
import { createStats } from './stats.js';

/** A sink that keeps what it is given; `bufferedBytes` is set by the test, as a slow peer's would be. */
class MemorySink implements SseSink {
  readonly chunks: (string | Uint8Array)[] = [];
  bufferedBytes = 0;
  closed = false;
  readonly #listeners: (() => void)[] = [];

  get writable(): boolean {
    return !this.closed;
  }
  get text(): string {
    return this.chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString())).join('');
  }
  /** The ids of the events written, in order (an id-only block counts too). */
  get ids(): string[] {
    return [...this.text.matchAll(/^id: (.*)$/gm)].map((m) => m[1]!);
  }
  holdsMoreThan(limit: number): boolean {
    return this.bufferedBytes > limit;
  }
  write(chunk: string | Uint8Array): boolean {
    if (this.closed) return false;
    this.chunks.push(chunk);
    return true;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.#listeners) listener();
  }
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.#listeners.push(listener);
  }
}

const hubs: Hub[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
  vi.useRealTimers();
});

function setup(options: Partial<HubOptions> = {}) {
  const broker = new MemoryBroker();
  const stats = createStats();
  const errors: { error: unknown; context: ErrorContext }[] = [];
  const hub = new Hub({
    broker,
    stats,
    maxBufferedBytes: 1024,
    maxTotalBufferedBytes: 1024 * 1024,
    heartbeatMs: null,
    onError: (error, context) => errors.push({ error, context }),
    ...options,
  });
  hubs.push(hub);
  const publish = (event: string, n: number) =>
    broker.append({ event, topic: undefined, data: JSON.stringify({ n }) });
  async function connect(
    options: { events?: string[]; predicate?: EventPredicate; lastEventId?: string } = {},
  ) {
    const sink = new MemorySink();
    const conn = new SseConnection({
      sink,
      filter: createFilter(options.events, []),
      predicate: options.predicate,
      ip: '127.0.0.1',
    });
    sink.onClose(() => hub.remove(conn));
    await hub.add(conn, options.lastEventId);
    return sink;
  }
  return { broker, stats, errors, hub, publish, connect };
}

describe('Hub', () => {
  it("writes one tick's events to every connection of a group as one shared buffer", async () => {
    const { hub, publish, connect } = setup();
    const a = await connect({ events: ['price'] });
    const b = await connect({ events: ['price'] });
    const head = a.ids;
    const ids = [publish('price', 1), publish('trade', 2), publish('price', 3)];
    hub.flush();
    expect(a.chunks).toHaveLength(2);
    expect(a.chunks[1]).toBe(b.chunks[1]);
    expect(a.ids).toEqual([...head, ids[0], ids[2]]);
  });

  it('replays what a resuming connection missed, then goes live with no duplicate', async () => {
    const { hub, publish, connect } = setup();
    const ids = [publish('price', 1), publish('price', 2), publish('price', 3)];
    const sink = await connect({ lastEventId: ids[0] });
    ids.push(publish('price', 4));
    hub.flush();
    expect(sink.ids).toEqual(ids.slice(1));
  });

  it('answers an id from another epoch with ssekit.reset, then live events', async () => {
    const { hub, stats, publish, connect } = setup();
    const stranger = new MemoryBroker().append({ event: 'price', topic: undefined, data: '{}' });
    const sink = await connect({ lastEventId: stranger });
    const live = publish('price', 1);
    hub.flush();
    expect(sink.text).toMatch(/^event: ssekit\.reset$/m);
    expect(stats.resets).toBe(1);
    expect(sink.ids.at(-1)).toBe(live);
  });

  it('closes a live connection that still holds more than maxBufferedBytes, and counts it', async () => {
    const { hub, stats, publish, connect } = setup({ maxBufferedBytes: 100 });
    const slow = await connect();
    const fast = await connect();
    slow.bufferedBytes = 101;
    publish('price', 1);
    hub.flush();
    expect(slow.closed).toBe(true);
    expect(fast.closed).toBe(false);
    expect(stats.slowCloses).toBe(1);
    expect(hub.size).toBe(1);
  });

  it('a predicate that throws closes its own connection only, reported with the event', async () => {
    const { hub, errors, publish, connect } = setup();
    const guarded = await connect({
      predicate: (event) => {
        if (event === 'trade') throw new Error('boom');
        return true;
      },
    });
    const open = await connect();
    const id = publish('trade', 1);
    hub.flush();
    expect(guarded.closed).toBe(true);
    expect(errors.map((e) => e.context)).toEqual([{ type: 'predicate', event: 'trade' }]);
    expect(open.ids.at(-1)).toBe(id);
  });

  it('asks a predicate once per name and topic of a tick; each connection gets what it admits', async () => {
    const { hub, broker, connect } = setup();
    const asked: string[] = [];
    const only = (allowed: string) => (event: string, topic: string | undefined) => {
      asked.push(`${allowed}:${event}/${topic}`);
      return topic === allowed;
    };
    const a1 = await connect({ predicate: only('A') });
    const a2 = await connect({ predicate: only('A') });
    const b = await connect({ predicate: only('B') });
    const published: { topic: string; id: string }[] = [];
    for (let n = 0; n < 30; n++) {
      const topic = ['A', 'B', 'C'][n % 3]!;
      published.push({ topic, id: broker.append({ event: 'price', topic, data: `{"n":${n}}` }) });
    }
    hub.flush();
    // 30 events of 3 kinds: each of the 3 connections asks 3 times, not 30.
    expect(asked).toHaveLength(9);
    const idsOf = (topic: string) => published.filter((e) => e.topic === topic).map((e) => e.id);
    expect(a1.ids.slice(-10)).toEqual(idsOf('A'));
    expect(a2.ids.slice(-10)).toEqual(idsOf('A'));
    expect(b.ids.slice(-10)).toEqual(idsOf('B'));
    // Connections that answer alike share one buffer.
    expect(a1.chunks.at(-1)).toBe(a2.chunks.at(-1));
  });

  it('writes a heartbeat comment after heartbeatMs of silence, not before', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { connect } = setup({ heartbeatMs: 1_000 });
    const sink = await connect();
    vi.advanceTimersByTime(800);
    expect(sink.text).not.toContain(': hb');
    vi.advanceTimersByTime(200);
    expect(sink.text.match(/^: hb$/gm)).toHaveLength(1);
  });
});
