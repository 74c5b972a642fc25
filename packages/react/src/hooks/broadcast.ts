// Hooks over the client's broadcast subscriptions: the latest value, a bounded list, a callback.
// Each hook adds one subscription to the client's one connection; none opens a connection of its own.
import type { SseClient, SubscribeOptions } from '@ssekit/client';
import type { AnyClientContract, EventData, EventName } from '@ssekit/core';
import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { createSourceStore, topicKey } from './store.js';

/** Options of `useEvents`. */
export interface UseEventsOptions extends SubscribeOptions {
  /** How many events the list keeps; the oldest go first. @default 100 */
  limit?: number;
}

function topicsOf(key: string): SubscribeOptions {
  return key === '' ? {} : { topic: JSON.parse(key) as string[] };
}

/**
 * The latest decoded value of a broadcast event, or `undefined` until the first one arrives after
 * mount (or after `name`/`topic` changed).
 * @example
 * ```tsx
 * const price = useEvent(client, 'price', { topic: 'AAPL' });
 * return <span>{price?.price ?? '…'}</span>;
 * ```
 */
export function useEvent<TContract extends AnyClientContract, TName extends EventName<TContract>>(
  client: SseClient<TContract>,
  name: TName,
  options?: SubscribeOptions,
): EventData<TContract, TName> | undefined {
  const key = topicKey(options?.topic);
  const store = useMemo(
    () =>
      createSourceStore<EventData<TContract, TName> | undefined>(undefined, (set) =>
        client.subscribe(name, (data) => set(data), topicsOf(key)),
      ),
    [client, name, key],
  );
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/**
 * The decoded values of a broadcast event received since mount, oldest first and newest last, at
 * most `limit` of them. The array is a new one at each event and stable otherwise.
 * @example
 * ```tsx
 * const trades = useEvents(client, 'trade', { limit: 50 });
 * ```
 */
export function useEvents<TContract extends AnyClientContract, TName extends EventName<TContract>>(
  client: SseClient<TContract>,
  name: TName,
  options?: UseEventsOptions,
): readonly EventData<TContract, TName>[] {
  const key = topicKey(options?.topic);
  const limit = Math.max(1, options?.limit ?? 100);
  const store = useMemo(
    () =>
      createSourceStore<readonly EventData<TContract, TName>[]>([], (set, get) =>
        client.subscribe(
          name,
          (data) => {
            const list = get();
            set(
              list.length >= limit
                ? [...list.slice(list.length - limit + 1), data]
                : [...list, data],
            );
          },
          topicsOf(key),
        ),
      ),
    [client, name, key, limit],
  );
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/**
 * Call `callback` with each decoded event while the component is mounted. The latest `callback` is
 * called, and a new one does not resubscribe: only `client`, `name` and `topic` do.
 * @example
 * ```tsx
 * useSubscribe(client, 'price', (p) => chart.current?.push(p.at, p.price), { topic: 'AAPL' });
 * ```
 */
export function useSubscribe<
  TContract extends AnyClientContract,
  TName extends EventName<TContract>,
>(
  client: SseClient<TContract>,
  name: TName,
  callback: (data: EventData<TContract, TName>) => void,
  options?: SubscribeOptions,
): void {
  const ref = useRef(callback);
  useLayoutEffect(() => {
    ref.current = callback;
  });
  const key = topicKey(options?.topic);
  useEffect(
    () => client.subscribe(name, (data) => ref.current(data), topicsOf(key)),
    [client, name, key],
  );
}
