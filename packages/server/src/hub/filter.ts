// Subscription filters: which broadcast events (and topics) a connection asked for, built once per
// distinct request and shared, so the hub groups connections by filter and frames once per group;
// and the one rule of what a connection may see (`admits`), asked once per kind of event of a tick.
import type { BrokerEvent } from '../broker/types.js';
import type { EventPredicate } from './connection.js';

/** Which broadcast events a connection receives: event names, and per event an optional topic set. */
export interface SubscriptionFilter {
  /** The event names, or `undefined` for every event of the contract. */
  readonly events: ReadonlySet<string> | undefined;
  /** Per event, the topics it is narrowed to. Events not in the map are not narrowed. */
  readonly topics: ReadonlyMap<string, ReadonlySet<string>>;
  /** Canonical form: connections with equal keys share one buffer per tick. */
  readonly key: string;
}

/** Build a filter. Names and topics are sorted into the key, so `a,b` and `b,a` share a group. */
export function createFilter(
  events: readonly string[] | undefined,
  topics: readonly (readonly [event: string, topic: string])[],
): SubscriptionFilter {
  const eventSet = events ? new Set(events) : undefined;
  const topicMap = new Map<string, Set<string>>();
  for (const [event, topic] of topics) {
    let set = topicMap.get(event);
    if (!set) {
      set = new Set();
      topicMap.set(event, set);
    }
    set.add(topic);
  }
  const eventsKey = eventSet ? [...eventSet].sort().join(',') : '*';
  const topicsKey = [...topicMap]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([event, set]) => `${event}:${[...set].sort().map(encodeURIComponent).join('|')}`)
    .join(',');
  return { events: eventSet, topics: topicMap, key: `${eventsKey};${topicsKey}` };
}

/** Whether an event with this name and topic passes the filter. */
export function matchesFilter(
  filter: SubscriptionFilter,
  event: string,
  topic: string | undefined,
): boolean {
  if (filter.events && !filter.events.has(event)) return false;
  const topics = filter.topics.get(event);
  if (topics === undefined) return true;
  return topic !== undefined && topics.has(topic);
}

// Filters are shared between connections that ask for the same thing: 10 000 dashboards on one
// filter hold one Set and one Map, not 10 000. The cache is bounded; past it filters are not shared.
const MAX_SHARED_FILTERS = 1024;
const shared = new Map<string, SubscriptionFilter>();

/** `createFilter`, returning the shared instance when one with the same key exists. */
export function sharedFilter(
  events: readonly string[] | undefined,
  topics: readonly (readonly [event: string, topic: string])[],
): SubscriptionFilter {
  const filter = createFilter(events, topics);
  const known = shared.get(filter.key);
  if (known) return known;
  if (shared.size < MAX_SHARED_FILTERS) shared.set(filter.key, filter);
  return filter;
}

/**
 * The kinds of a batch: its distinct (name, topic) pairs, one event standing for each, and the kind
 * of every event. What a connection may see depends on these two fields alone (`admits`).
 */
export function kindsOf(events: readonly BrokerEvent[]): {
  kinds: BrokerEvent[];
  kindOf: Uint16Array | Uint32Array;
} {
  const kinds: BrokerEvent[] = [];
  const kindOf =
    events.length <= 0xffff ? new Uint16Array(events.length) : new Uint32Array(events.length);
  const index = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const key = event.topic === undefined ? event.event : `${event.event}\u0000${event.topic}`;
    let k = index.get(key);
    if (k === undefined) {
      k = kinds.length;
      kinds.push(event);
      index.set(key, k);
    }
    kindOf[i] = k;
  }
  return { kinds, kindOf };
}

/** The one rule of what a connection may see: its filter, then its predicate. May throw (the predicate). */
export function admits(
  filter: SubscriptionFilter,
  predicate: EventPredicate | undefined,
  event: BrokerEvent,
): boolean {
  return (
    matchesFilter(filter, event.event, event.topic) &&
    (predicate === undefined || predicate(event.event, event.topic) === true)
  );
}
