// Subscription filters: which broadcast events (and topics) a connection asked for, built once per
// distinct request and shared, so the hub groups connections by filter and frames once per group.

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
