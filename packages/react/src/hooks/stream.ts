// Hooks over an RPC stream and over the broadcast connection's status.
// useStream opens one stream per (client, name, input by value) and closes it when the last reader leaves.
import type { ClientStatus, SseClient } from '@ssekit/client';
import type { AnyClientContract, SseError, StreamEvent, StreamInput } from '@ssekit/core';
import { useMemo, useSyncExternalStore } from 'react';
import { createSourceStore, stableJson } from './store.js';

/** What `useStream` returns: the events so far, the stream's status, its error, and whether it ended. */
export interface StreamState<
  TContract extends AnyClientContract,
  TName extends keyof TContract['streams'] & string,
> {
  /** Every `{ event, data }` received, in order. */
  readonly events: readonly StreamEvent<TContract, TName>[];
  /** `connecting`, `open`, `reconnecting`, then `closed`. */
  readonly status: ClientStatus;
  /** The stream's error: a refused input, `ssekit.error`, an invalid payload. */
  readonly error: SseError | undefined;
  /** True once the server ended the stream (`ssekit.end`). */
  readonly done: boolean;
}

/**
 * Open an RPC stream while the component is mounted. `input` is compared by value (stable JSON), so
 * an inline object does not reopen the stream; a different input opens a new one.
 * @example
 * ```tsx
 * const { events, done } = useStream(client, 'buildLog', { buildId });
 * ```
 */
export function useStream<
  TContract extends AnyClientContract,
  TName extends keyof TContract['streams'] & string,
>(
  client: SseClient<TContract>,
  name: TName,
  input: StreamInput<TContract, TName>,
): StreamState<TContract, TName> {
  const key = stableJson(input);
  const store = useMemo(() => {
    const initial: StreamState<TContract, TName> = {
      events: [],
      status: 'connecting',
      error: undefined,
      done: false,
    };
    return createSourceStore(initial, (set, get) => {
      const update = (patch: Partial<StreamState<TContract, TName>>) => set({ ...get(), ...patch });
      const handle = client.stream(name, JSON.parse(key) as StreamInput<TContract, TName>, {
        onStatus: (status) => update({ status }),
        onError: (error) => update({ error }),
      });
      update({ status: handle.status });
      handle.done.then(
        () => update({ done: true, status: 'closed' }),
        (error: SseError) => update({ error: get().error ?? error, status: 'closed' }),
      );
      let stopped = false;
      (async () => {
        for await (const item of handle) {
          if (stopped) break;
          update({ events: [...get().events, item] });
        }
      })().catch((error: SseError) => update({ error }));
      return () => {
        stopped = true;
        handle.close();
      };
    });
  }, [client, name, key]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

/** The status of the client's broadcast connection, re-rendered at every change. */
export function useConnectionStatus<TContract extends AnyClientContract>(
  client: SseClient<TContract>,
): ClientStatus {
  const subscribe = useMemo(() => (listener: () => void) => client.watchStatus(listener), [client]);
  const get = () => client.status;
  return useSyncExternalStore(subscribe, get, get);
}
