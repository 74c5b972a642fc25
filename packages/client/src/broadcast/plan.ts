// What one broadcast connection asks the server for: the subscriptions' event names and topics merged
// into one filter. The one home of that rule: a tab's connection and the shared (cross-tab) one use it.

/** One event of a filter: its topics, or `null` for every topic. */
export interface FilterEntry {
  readonly name: string;
  readonly topics: readonly string[] | null;
}

/** What one connection asks the server for. */
export interface Plan {
  /** The query, as one string: two plans with the same key ask for the same events. */
  readonly key: string;
  readonly params: [string, string][];
  readonly events: readonly string[];
  /** Subscriptions to one event disagree on topics: events must be routed by their `topic:` field. */
  readonly routeByTopic: boolean;
  /** The merged filter, one entry per event name, sorted: what a shared connection is asked for. */
  readonly filter: readonly FilterEntry[];
}

/** A subscription as the plan sees it: an event name, and its topics (`undefined`: all). */
export interface PlanInput {
  readonly name: string;
  readonly topics: ReadonlySet<string> | readonly string[] | undefined | null;
}

function topicKey(topics: PlanInput['topics']): string {
  return topics ? [...topics].sort().join('\u0000') : '*';
}

/**
 * Merge subscriptions into one request: every event name once; an event narrowed to topics only
 * when every subscription to it names topics (then to the union of them).
 */
export function planOf(inputs: Iterable<PlanInput>): Plan {
  const byName = new Map<string, PlanInput[]>();
  for (const input of inputs) {
    const list = byName.get(input.name);
    if (list) list.push(input);
    else byName.set(input.name, [input]);
  }
  const events = [...byName.keys()].sort();
  const params: [string, string][] = [['events', events.join(',')]];
  const filter: FilterEntry[] = [];
  let routeByTopic = false;
  for (const name of events) {
    const subs = byName.get(name)!;
    const keys = new Set(subs.map((s) => topicKey(s.topics)));
    if (keys.size > 1) routeByTopic = true;
    // The server narrows an event to topics only when every subscription to it names topics.
    if (subs.every((s) => s.topics)) {
      const union = new Set<string>();
      for (const s of subs) for (const t of s.topics!) union.add(t);
      const topics = [...union].sort();
      for (const t of topics) params.push(['topic', `${name}:${t}`]);
      filter.push({ name, topics });
    } else {
      filter.push({ name, topics: null });
    }
  }
  return {
    key: params.map(([k, v]) => `${k}=${v}`).join('&'),
    params,
    events,
    routeByTopic,
    filter,
  };
}

/**
 * Whether a plan asks for an event of `name` on `topic`. A connection of its own carries nothing
 * else; a connection shared across tabs also carries what the other tabs asked for.
 */
export function asks(plan: Plan, name: string, topic: string | undefined): boolean {
  const entry = plan.filter.find((e) => e.name === name);
  if (!entry) return false;
  return entry.topics === null || (topic !== undefined && entry.topics.includes(topic));
}
