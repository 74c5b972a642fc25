// shareAcrossTabs as a model: randomized runs of tabs that open, subscribe, unsubscribe, close and
// crash (the holder included) while events flow, against the real client and a real server. The
// tabs live in one Node process; Web Locks and the BroadcastChannel are an in-memory model of the
// browser's (FIFO per sender and receiver, random delays; a crash frees a tab's locks at once).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SseClient, shareAcrossTabs } from '@ssekit/client';
import { defineContract, isoDate } from '@ssekit/core';
import { createRandom, nextTurn, quietPeriod } from '@ssekit/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, waitFor } from '../../server/test/utils.js';
import type { ChannelLike, LockManagerLike } from '../src/share/messages.js';

const contract = defineContract({
  events: { price: z.object({ symbol: z.string(), price: z.int(), at: isoDate() }) },
});
const TOPICS = ['A', 'B', 'C', 'D'];

interface Tab {
  readonly name: string;
  dead: boolean;
}

/** What crossed the channel, in order, for the failure's log: one line per post and delivery. */
type Log = (line: string) => void;

function describeMessage(message: unknown): string {
  const m = message as Record<string, unknown> & { type: string };
  switch (m.type) {
    case 'event': {
      const frame = m.frame as { data: string; lastEventId: string; topic?: string };
      let what = frame.data;
      try {
        const data = JSON.parse(frame.data) as { symbol: string; price: number };
        what = `${data.symbol}${data.price}`;
      } catch {}
      return `event ${m.holder} c${m.conn} ${what} #${frame.lastEventId}`;
    }
    case 'request':
      return `request ${m.id}@${m.seq} ${JSON.stringify(m.filter)} from ${m.lastEventId}`;
    case 'open':
      return `open ${m.holder} c${m.conn} ${JSON.stringify(m.tickets)}`;
    case 'error':
      return `error ${m.holder} rs${m.readyState} ${JSON.stringify(m.tickets)}`;
    default:
      return `${m.type} ${m.holder ?? m.id ?? ''}`;
  }
}

/** Web Locks, exclusive mode only: FIFO per name, abortable while queued, freed by a crash. */
class Locks {
  readonly #held = new Map<string, { tab: Tab }>();
  readonly #queues = new Map<string, { tab: Tab; grant: () => void }[]>();

  for(tab: Tab): LockManagerLike {
    return { request: (name, options, callback) => this.#request(tab, name, options, callback) };
  }

  #request(
    tab: Tab,
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<unknown>,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
      if (options.signal?.aborted) return reject(abortError());
      const entry = {
        tab,
        grant: () => {
          options.signal?.removeEventListener('abort', onAbort);
          const hold = { tab };
          this.#held.set(name, hold);
          Promise.resolve()
            .then(callback)
            .then(resolve, reject)
            .finally(() => {
              if (this.#held.get(name) === hold) this.#free(name);
            });
        },
      };
      const onAbort = () => {
        const queue = this.#queues.get(name) ?? [];
        const index = queue.indexOf(entry);
        if (index === -1) return;
        queue.splice(index, 1);
        reject(abortError());
      };
      options.signal?.addEventListener('abort', onAbort);
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(entry);
      if (!this.#held.has(name) && queue.length === 1) queueMicrotask(() => this.#next(name));
    });
  }

  #next(name: string): void {
    if (this.#held.has(name)) return;
    const next = this.#queues.get(name)?.shift();
    next?.grant();
  }

  #free(name: string): void {
    this.#held.delete(name);
    queueMicrotask(() => this.#next(name));
  }

  /** A tab died: its locks are free at once, its queued requests gone. */
  crash(tab: Tab): void {
    for (const [name, queue] of this.#queues)
      this.#queues.set(
        name,
        queue.filter((e) => e.tab !== tab),
      );
    for (const [name, hold] of this.#held) if (hold.tab === tab) this.#free(name);
  }
}

/** BroadcastChannel: a clone of each message to every other open channel of the name, in order. */
class Bus {
  readonly #channels = new Set<{ name: string; tab: Tab; channel: ChannelLike; closed: boolean }>();
  readonly #random: () => number;
  readonly #log: Log;
  constructor(random: () => number, log: Log) {
    this.#random = random;
    this.#log = log;
  }

  open(tab: Tab, name: string): ChannelLike {
    const queues = new Map<object, unknown[]>();
    const self = {
      name,
      tab,
      closed: false,
      channel: {
        onmessage: null as ChannelLike['onmessage'],
        postMessage: (message: unknown) => {
          if (self.closed || tab.dead) return;
          this.#log(`${tab.name} posts ${describeMessage(message)}`);
          for (const other of this.#channels) {
            if (other === self || other.name !== name) continue;
            let queue = queues.get(other);
            const pump = !queue || queue.length === 0;
            if (!queue) {
              queue = [];
              queues.set(other, queue);
            }
            queue.push(structuredClone(message));
            if (pump) this.#pump(queue, other);
          }
        },
        close: () => {
          self.closed = true;
          this.#channels.delete(self);
        },
      },
    };
    this.#channels.add(self);
    return self.channel;
  }

  #pump(queue: unknown[], to: { tab: Tab; channel: ChannelLike; closed: boolean }): void {
    setTimeout(
      () => {
        const message = queue.shift();
        if (!to.closed && !to.tab.dead) {
          this.#log(`${to.tab.name} gets ${describeMessage(message)}`);
          to.channel.onmessage?.({ data: message });
        }
        if (queue.length > 0) this.#pump(queue, to);
      },
      Math.floor(this.#random() * 8),
    );
  }
}

interface Sub {
  readonly tab: number;
  readonly topic: string;
  readonly received: number[];
  off: (() => void) | undefined;
}

const globals = globalThis as { navigator?: unknown; BroadcastChannel?: unknown };
const saved = { navigator: globals.navigator, BroadcastChannel: globals.BroadcastChannel };
afterEach(() => {
  globals.navigator = saved.navigator;
  globals.BroadcastChannel = saved.BroadcastChannel;
});

async function runModel(seed: number, steps: number): Promise<void> {
  const { next: random, pick } = createRandom(seed);
  await using server = await startTestServer(contract, { retryMs: 50 });
  const locks = new Locks();
  const started = performance.now();
  const log: string[] = [];
  const note: Log = (line) => log.push(`${(performance.now() - started).toFixed(1)} ${line}`);
  const bus = new Bus(random, note);
  const tabs: { tab: Tab; client: SseClient<typeof contract> }[] = [];
  const subs: Sub[] = [];
  const trace: string[] = [];
  const record = (what: string) => {
    trace.push(what);
    note(`step: ${what}`);
  };

  const openTab = () => {
    const tab: Tab = { name: `tab${tabs.length}`, dead: false };
    // The client reads the platform when it is created: each tab gets its own view of it.
    globals.navigator = { locks: locks.for(tab) };
    globals.BroadcastChannel = function FakeChannel(name: string) {
      return bus.open(tab, name);
    };
    const client = createClient(contract, { url: server.url, shareAcrossTabs });
    tabs.push({ tab, client });
    return tabs.length - 1;
  };
  const subscribe = (index: number, topic: string) => {
    const sub: Sub = { tab: index, topic, received: [], off: undefined };
    sub.off = tabs[index]!.client.subscribe(
      'price',
      (p) => {
        sub.received.push(p.price);
        note(`tab${index} delivers ${topic}${p.price}`);
      },
      { topic },
    );
    subs.push(sub);
  };
  const alive = () => tabs.map((t, i) => [t, i] as const).filter(([t]) => !t.tab.dead);

  const published = new Map<string, number>(TOPICS.map((t) => [t, 0]));
  let publishing = true;
  const publish = (topic: string) => {
    const n = published.get(topic)! + 1;
    published.set(topic, n);
    server.sse.publish('price', { symbol: topic, price: n, at: new Date(n) }, { topic });
  };
  const publisher = (async () => {
    while (publishing) {
      publish(pick(TOPICS));
      await nextTurn(Math.floor(random() * 6));
    }
  })();

  subscribe(openTab(), pick(TOPICS));
  for (let step = 0; step < steps; step++) {
    const living = alive();
    const roll = random();
    if (roll < 0.2 && living.length < 5) {
      const index = openTab();
      subscribe(index, pick(TOPICS));
      record(`open tab${index}`);
    } else if (roll < 0.45 && living.length > 0) {
      const [, index] = pick(living);
      const topic = pick(TOPICS);
      subscribe(index, topic);
      record(`tab${index} subscribes ${topic}`);
    } else if (roll < 0.6) {
      const active = subs.filter((s) => s.off && !tabs[s.tab]!.tab.dead);
      if (active.length > 0) {
        const sub = pick(active);
        sub.off?.();
        sub.off = undefined;
        record(`tab${sub.tab} unsubscribes ${sub.topic}`);
      }
    } else if (roll < 0.7 && living.length > 1) {
      const [entry, index] = pick(living);
      entry.client.close();
      entry.tab.dead = true;
      record(`tab${index} closes`);
    } else if (roll < 0.8 && living.length > 1) {
      // A crash: no message leaves the tab any more, its locks are free, its connection dies.
      const [entry, index] = pick(living);
      entry.tab.dead = true;
      locks.crash(entry.tab);
      entry.client.close();
      record(`tab${index} crashes`);
    }
    await nextTurn(Math.floor(random() * 120));
  }
  // Every topic has a living subscriber at the end, so that each one's sequence reaches the end.
  const [, last] = alive()[0] ?? [undefined, openTab()];
  for (const topic of TOPICS) subscribe(last, topic);
  await nextTurn(300);
  publishing = false;
  await publisher;
  // One more event per topic, after every subscription: each live one must receive it (on a
  // loaded machine the random publisher may not have picked a topic since the last subscribe).
  for (const topic of TOPICS) publish(topic);
  note(`published: ${[...published].map(([topic, n]) => `${topic}${n}`).join(' ')}`);

  const live = subs.filter((s) => s.off && !tabs[s.tab]!.tab.dead);
  const logFile = join(tmpdir(), `ssekit-share-seed-${seed}.log`);
  const context = `seed ${seed}: ${trace.join('; ')}; the channel's log: ${logFile}`;
  try {
    await check();
  } catch (error) {
    writeFileSync(logFile, `${log.join('\n')}\n`);
    throw error;
  }
  for (const { client } of tabs) client.close();

  async function check(): Promise<void> {
    const behind = () =>
      live
        .filter((s) => s.received.at(-1) !== published.get(s.topic))
        .map((s) => `tab${s.tab} ${s.topic} at ${s.received.at(-1)} of ${published.get(s.topic)}`);
    await waitFor(() => behind().length === 0, {
      message: `every live subscription to reach the end (${context})`,
      timeoutMs: 20_000,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; behind: ${behind().join(', ')}`);
    });
    await quietPeriod(200);
    for (const sub of subs) {
      // No gap, no duplicate, in order: each subscription's run is consecutive numbers.
      const r = sub.received;
      for (let i = 1; i < r.length; i++) {
        if (r[i] !== r[i - 1]! + 1)
          throw new Error(`tab${sub.tab} ${sub.topic}: ${r[i - 1]} then ${r[i]} (${context})`);
      }
    }
    for (const sub of live) expect(sub.received.at(-1), context).toBe(published.get(sub.topic));
    await waitFor(() => server.sse.stats().connections === 1, `one shared connection (${context})`);
  }
}

describe('shareAcrossTabs: randomized tab lifecycles against the real client and server', () => {
  // Fixed seeds, so that the steps repeat (their timing does not: run a failing seed many times, or
  // beside another test process); a failure names its seed and the trace of its steps. (A resume
  // from "now" instead of the oldest position, or no dedupe by id, fails every one of them.)
  // More seeds: SSEKIT_SHARE_SEED=1 SSEKIT_SHARE_CASES=200 pnpm exec vitest run share-model
  const first = Number(process.env.SSEKIT_SHARE_SEED ?? 0);
  const cases = Number(process.env.SSEKIT_SHARE_CASES ?? 0);
  const seeds =
    cases > 0 ? Array.from({ length: cases }, (_, i) => first + i) : [20261129, 1, 2, 3];
  for (const seed of seeds) {
    it(`seed ${seed}: every subscription's events are consecutive, and the live ones reach the end`, async () => {
      await runModel(seed, 30);
    }, 60_000);
  }
});

describe('shareAcrossTabs without Web Locks (Node)', () => {
  it('falls back to a connection of its own', async () => {
    expect(globals.navigator).toBeUndefined();
    await using server = await startTestServer(contract, {});
    const received: number[] = [];
    const client = createClient(contract, { url: server.url, shareAcrossTabs });
    client.subscribe('price', (p) => received.push(p.price), { topic: 'A' });
    await waitFor(() => client.status === 'open', 'the client to open');
    expect(server.sse.stats().connections).toBe(1);
    for (let n = 1; n <= 5; n++) {
      server.sse.publish('price', { symbol: 'A', price: n, at: new Date(n) }, { topic: 'A' });
    }
    await waitFor(() => received.length === 5, 'five events');
    expect(received).toEqual([1, 2, 3, 4, 5]);
    client.close();
  });
});
