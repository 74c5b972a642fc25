// The in-memory broker's log against a model of its retention: the newest `maxEvents`, none older
// than `maxAgeMs`; every id's answer (events since it, too-old, malformed) over appends, time, and
// the ring's growth, wrap-around and trimming by age.
import { createRandom } from '@ssekit/test-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBroker } from './memory.js';
import type { ReadResult } from './types.js';

const entry = (n: number) => ({ event: 'tick', topic: undefined, data: `{"n":${n}}` });

interface Model {
  /** The time of every append: event n has seq n + 1. */
  readonly appendedAt: readonly number[];
  readonly now: number;
  readonly maxEvents: number;
  readonly maxAgeMs: number | null;
}

/** The oldest seq the log keeps (the newest + 1 when it keeps none). */
function firstKept({ appendedAt, now, maxEvents, maxAgeMs }: Model): number {
  const last = appendedAt.length;
  let first = Math.max(1, last - maxEvents + 1);
  if (maxAgeMs !== null) while (first <= last && appendedAt[first - 1]! < now - maxAgeMs) first++;
  return first;
}

/** What the log must answer for `readSince(<epoch>-<seq>, { limit })`. */
function expected(model: Model, seq: number, limit: number) {
  const last = model.appendedAt.length;
  if (seq > last) return { type: 'reset', reason: 'malformed' };
  if (seq < firstKept(model) - 1) return { type: 'reset', reason: 'too-old' };
  const ns: number[] = [];
  for (let s = seq + 1; s <= Math.min(last, seq + limit); s++) ns.push(s - 1);
  return { type: 'events', ns, more: seq + limit < last };
}

function actual(result: ReadResult) {
  return result.type === 'events'
    ? {
        type: 'events',
        ns: result.events.map((e) => JSON.parse(e.data).n as number),
        more: result.more === true,
      }
    : { type: 'reset', reason: result.reason };
}

describe('MemoryBroker retention', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const cases = [
    { maxEvents: 0, maxAgeMs: null },
    { maxEvents: 1, maxAgeMs: null },
    { maxEvents: 7, maxAgeMs: 50 },
    { maxEvents: 1500, maxAgeMs: null },
    { maxEvents: 1500, maxAgeMs: 50 },
    { maxEvents: 3000, maxAgeMs: 400 },
    { maxEvents: 10_000, maxAgeMs: 50 },
  ];
  cases.forEach(({ maxEvents, maxAgeMs }, i) => {
    const seed = i + 1;
    it(`answers every id as the model does (maxEvents ${maxEvents}, maxAgeMs ${maxAgeMs}, seed ${seed})`, () => {
      const random = createRandom(seed);
      const broker = new MemoryBroker({ maxEvents, maxAgeMs, epoch: 'e1' });
      const appendedAt: number[] = [];
      for (let step = 0; step < 6000; step++) {
        if (random.chance(0.02)) vi.advanceTimersByTime(random.int(0, 60));
        const id = broker.append(entry(appendedAt.length));
        appendedAt.push(Date.now());
        expect(id).toBe(`e1-${appendedAt.length}`);
        if (!random.chance(0.03)) continue;
        // Ids around the oldest kept event, and any other.
        const last = appendedAt.length;
        const around = Math.max(0, last - Math.max(maxEvents, 1) - 1);
        for (const seq of [around, around + 1, around + 2, random.int(0, last + 1), last]) {
          const limit = random.pick([1, 5, 256, Number.POSITIVE_INFINITY]);
          const model = { appendedAt, now: Date.now(), maxEvents, maxAgeMs };
          const options = Number.isFinite(limit) ? { limit } : {};
          expect(actual(broker.readSince(`e1-${seq}`, options)), `seq ${seq}`).toEqual(
            expected(model, seq, limit),
          );
          expect(broker.size).toBe(last - firstKept(model) + 1);
        }
      }
    });
  });
});
