import type { BrokerEntry, BrokerEvent, BrokerSubscribeOptions } from '@ssekit/server';
import { waitFor } from '@ssekit/test-kit';
import type { RedisBroker } from '../src/index.js';

export {
  startRedis,
  // The name the fault tests were written with.
  startRedis as startTestRedis,
  type TestRedis,
  type TestRedisOptions,
  waitFor,
} from '@ssekit/test-kit';

/** A test event `tick` carrying `{ n }`. */
export function entry(n: number, topic?: string): BrokerEntry {
  return { event: 'tick', topic, data: JSON.stringify({ n }) };
}

/** The `n` of each test event. */
export function ns(events: readonly BrokerEvent[]): number[] {
  return events.map((e) => (JSON.parse(e.data) as { n: number }).n);
}

/**
 * Subscribe and collect events into the returned array. Resolves once the tail has started: a
 * marker appended after subscribing has come through (and is removed from the array).
 */
export async function collect(
  broker: RedisBroker,
  options: BrokerSubscribeOptions = {},
): Promise<BrokerEvent[]> {
  const seen: BrokerEvent[] = [];
  broker.subscribe((events) => seen.push(...events), options);
  const marker = await broker.append({ event: 'marker', topic: undefined, data: '{}' });
  await waitFor(() => seen.some((e) => e.id === marker), 'the tail delivers a marker');
  seen.length = 0;
  return seen;
}
