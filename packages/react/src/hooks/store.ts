// A tiny external store for useSyncExternalStore: a snapshot, listeners, and a source that is opened
// with the first listener and released one macrotask after the last, so StrictMode's double mount reuses it.

/** A store whose source runs while at least one listener is attached. */
export interface SourceStore<TSnapshot> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): TSnapshot;
}

/**
 * Build a store. `open(set, get)` starts the source and returns its stop function; `set` replaces the
 * snapshot and notifies. The stop is deferred by one macrotask: React's StrictMode unsubscribes and
 * subscribes again synchronously, and the source (a subscription, an RPC stream) survives that.
 */
export function createSourceStore<TSnapshot>(
  initial: TSnapshot,
  open: (set: (next: TSnapshot) => void, get: () => TSnapshot) => () => void,
): SourceStore<TSnapshot> {
  let snapshot = initial;
  const listeners = new Set<() => void>();
  let stop: (() => void) | undefined;
  let pendingStop: ReturnType<typeof setTimeout> | undefined;
  const set = (next: TSnapshot) => {
    if (Object.is(next, snapshot)) return;
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (pendingStop !== undefined) {
        clearTimeout(pendingStop);
        pendingStop = undefined;
      }
      stop ??= open(set, () => snapshot);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || stop === undefined) return;
        pendingStop = setTimeout(() => {
          pendingStop = undefined;
          if (listeners.size > 0) return;
          const s = stop;
          stop = undefined;
          s?.();
        }, 0);
      };
    },
    getSnapshot: () => snapshot,
  };
}

/** A stable key for a topic option, so an inline array does not make a new subscription. */
export function topicKey(topic: string | readonly string[] | undefined): string {
  if (topic === undefined) return '';
  return JSON.stringify(typeof topic === 'string' ? [topic] : [...topic].sort());
}

/** A stable JSON text of a value with sorted object keys, to compare RPC inputs by value. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
