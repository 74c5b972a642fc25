// `createClient`: the client's entry point, joining its parts: the one broadcast connection
// (broadcast/) for every `subscribe` and `events`, an RPC stream (stream/) per `stream`, status.
import type { AnyClientContract } from '@ssekit/core';
import { AsyncQueue } from './async-queue.js';
import { BroadcastConnection } from './broadcast/broadcast-connection.js';
import { RpcStream } from './stream/rpc-stream.js';
import type {
  ClientOptions,
  ClientStatus,
  SseClient,
  StreamHandle,
  SubscribeOptions,
} from './types.js';

function topicSet(options: SubscribeOptions | undefined): ReadonlySet<string> | undefined {
  const topic = options?.topic;
  if (topic === undefined) return undefined;
  return new Set(typeof topic === 'string' ? [topic] : topic);
}

/**
 * A typed client for a contract: one connection for all broadcast subscriptions, opened on the first
 * `subscribe` and closed with the last; RPC streams with typed input; every payload decoded and checked.
 *
 * @example
 * ```ts
 * const client = createClient(contract, { url: '/sse', onStatus: (s) => badge.set(s) });
 * client.subscribe('price', (p) => chart.push(p.at, p.price), { topic: 'AAPL' });
 * const build = client.stream('buildLog', { buildId: '42' });
 * build.on('line', (l) => term.write(l.text));
 * ```
 */
export function createClient<TContract extends AnyClientContract>(
  contract: TContract,
  options: ClientOptions,
): SseClient<TContract> {
  const statusListeners = new Set<(status: ClientStatus) => void>();
  // Without Web Locks or BroadcastChannel (Node), `shareAcrossTabs` gives nothing: an own connection.
  const share = options.shareAcrossTabs?.(options);
  const broadcast = new BroadcastConnection(
    contract,
    {
      ...options,
      onStatus: (status) => {
        options.onStatus?.(status);
        for (const listener of [...statusListeners]) listener(status);
      },
    },
    share,
  );
  const streams = new Set<RpcStream>();

  return {
    subscribe(name, callback, subscribeOptions) {
      return broadcast.add(name, callback as (data: unknown) => void, topicSet(subscribeOptions));
    },
    events(name, subscribeOptions) {
      let off: (() => void) | undefined;
      const queue = new AsyncQueue<never>(() => off?.());
      off = broadcast.add(name, (data) => queue.push(data as never), topicSet(subscribeOptions));
      return queue;
    },
    stream(name, input, streamOptions = {}) {
      const stream = new RpcStream(contract, options, name, input, {
        ...streamOptions,
        onError: (error) => {
          streamOptions.onError?.(error);
          if (!streamOptions.onError) options.onError?.(error);
        },
      });
      if (stream.status !== 'closed') {
        streams.add(stream);
        stream.done.finally(() => streams.delete(stream)).catch(() => {});
      }
      return stream as unknown as StreamHandle<TContract, typeof name>;
    },
    get status() {
      return broadcast.status;
    },
    watchStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    get lastEventId() {
      return broadcast.lastEventId;
    },
    close() {
      broadcast.close();
      for (const stream of [...streams]) stream.close();
      streams.clear();
    },
  };
}
