// The fault suite's harness: publishers that record every publish's outcome in call order, a
// subscriber that records what the tail delivers, and the checks that hold whatever the fault.
import type { BrokerEvent } from '@ssekit/server';
import { expect } from 'vitest';
import { type RedisBroker, RedisBrokerError } from '../src/index.js';
import { waitFor } from './utils.js';

/** How one publish ended. */
export type Outcome =
  | { readonly type: 'pending' }
  | { readonly type: 'stored'; readonly id: string }
  | { readonly type: 'rejected'; readonly code: string };

/** One publish call, in call order. */
export interface Publish {
  readonly p: string;
  readonly n: number;
  readonly calledAt: number;
  outcome: Outcome;
  settled: Promise<void>;
}

/** Publishes `{ p, n }` with n = 0, 1, 2… through `broker`, recording each outcome. */
export class RecordingPublisher {
  readonly publishes: Publish[] = [];
  readonly #broker: RedisBroker;
  readonly #p: string;

  constructor(broker: RedisBroker, p: string) {
    this.#broker = broker;
    this.#p = p;
  }

  /** Call `append` once, without waiting for it. */
  publish(): Publish {
    const n = this.publishes.length;
    const record: Publish = {
      p: this.#p,
      n,
      calledAt: Date.now(),
      outcome: { type: 'pending' },
      settled: Promise.resolve(),
    };
    record.settled = this.#broker
      .append({ event: 'tick', topic: undefined, data: JSON.stringify({ p: this.#p, n }) })
      .then(
        (id) => {
          record.outcome = { type: 'stored', id };
        },
        (error: unknown) => {
          record.outcome = {
            type: 'rejected',
            code: error instanceof RedisBrokerError ? error.code : String(error),
          };
        },
      );
    this.publishes.push(record);
    return record;
  }

  /** Publish `burst` events every `everyMs` until `stop()` is called; resolves when stopped. */
  run(options: { everyMs: number; burst: number }): { stop(): Promise<void> } {
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        for (let i = 0; i < options.burst; i++) this.publish();
        await new Promise((resolve) => setTimeout(resolve, options.everyMs));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        await Promise.all(this.publishes.map((x) => x.settled));
      },
    };
  }

  count(type: Outcome['type'], code?: string): number {
    return this.publishes.filter(
      (x) =>
        x.outcome.type === type &&
        (code === undefined || ('code' in x.outcome && x.outcome.code === code)),
    ).length;
  }
}

/** What a subscriber received: events and resets, in order. */
export interface Received {
  readonly items: ({ type: 'event'; event: BrokerEvent } | { type: 'reset'; reason: string })[];
}

/** Subscribe and record; resolves once the tail delivers a marker it appended. */
export async function record(broker: RedisBroker): Promise<Received> {
  const received: Received = { items: [] };
  broker.subscribe(
    (events) => {
      for (const event of events) received.items.push({ type: 'event', event });
    },
    { onReset: (reset) => received.items.push({ type: 'reset', reason: reset.reason }) },
  );
  const marker = await broker.append({ event: 'marker', topic: undefined, data: '{}' });
  await waitFor(
    () => received.items.some((x) => x.type === 'event' && x.event.id === marker),
    'the tail delivers a marker',
  );
  received.items.length = 0;
  return received;
}

function decode(event: BrokerEvent): { p: string; n: number } | undefined {
  if (event.event !== 'tick') return undefined;
  return JSON.parse(event.data) as { p: string; n: number };
}

/** The `{p, n}` of each event in `events`, in order. */
export function ticks(events: readonly BrokerEvent[]): { p: string; n: number; id: string }[] {
  const out: { p: string; n: number; id: string }[] = [];
  for (const event of events) {
    const tick = decode(event);
    if (tick) out.push({ ...tick, id: event.id });
  }
  return out;
}

/**
 * The invariants of the fault suite, for every publisher:
 * - what the subscriber got is in publish-call order, with no duplicate;
 * - each delivered event carries the id its publish resolved with, or its publish was UNCERTAIN;
 *   nothing rejected TIMEOUT, REDIS_ERROR or CLOSED was delivered;
 * - every acknowledged event was delivered, unless a reset came after the last one delivered before it.
 */
export async function checkDelivery(
  publishers: readonly RecordingPublisher[],
  received: Received,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const delivered = () =>
    ticks(received.items.flatMap((x) => (x.type === 'event' ? [x.event] : [])));
  const acked = publishers.flatMap((pub) =>
    pub.publishes.filter((x) => x.outcome.type === 'stored'),
  );
  const resets = () => received.items.filter((x) => x.type === 'reset').length;
  // Wait for every acknowledged event, or (after a reset) for the newest one at least.
  await waitFor(
    () => {
      const seen = new Set(delivered().map((t) => `${t.p}:${t.n}`));
      if (resets() === 0) return acked.every((x) => seen.has(`${x.p}:${x.n}`));
      return publishers.every((pub) => {
        const last = pub.publishes.findLast((x) => x.outcome.type === 'stored');
        return !last || seen.has(`${last.p}:${last.n}`);
      });
    },
    'acknowledged events are delivered',
    options.timeoutMs ?? 10_000,
  );
  const all = delivered();
  for (const pub of publishers) {
    const byN = new Map(pub.publishes.map((x) => [x.n, x]));
    const mine = all.filter((t) => pub.publishes[0] && t.p === pub.publishes[0].p);
    const inversions = mine.filter((t, i) => i > 0 && t.n <= mine[i - 1]!.n);
    expect(inversions, 'delivered out of publish order, or twice').toEqual([]);
    for (const t of mine) {
      const outcome = byN.get(t.n)?.outcome;
      if (outcome?.type === 'stored') expect(t.id).toBe(outcome.id);
      else
        expect(outcome, `event ${t.n} was delivered`).toEqual({
          type: 'rejected',
          code: 'UNCERTAIN',
        });
    }
    if (resets() === 0) {
      const seen = new Set(mine.map((t) => t.n));
      const missing = pub.publishes.filter((x) => x.outcome.type === 'stored' && !seen.has(x.n));
      expect(
        missing.map((x) => x.n),
        'acknowledged, never delivered, no reset',
      ).toEqual([]);
    }
  }
}
