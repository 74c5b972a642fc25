// The runtime's own EventSource class, when it has one: what the client opens when it needs no
// headers (connect/open-source.ts chooses), exported for apps that choose for themselves.
import type { EventSourceConstructorLike } from './types.js';

/**
 * The runtime's own `EventSource` class (`globalThis.EventSource`): present in browsers, absent
 * in Node 20. Use it when no headers are needed; otherwise use `FetchEventSource`.
 *
 * @example
 * ```ts
 * const EventSourceCtor = getPlatformEventSource() ?? FetchEventSource;
 * const source = new EventSourceCtor('/sse');
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
 */
export function getPlatformEventSource(): EventSourceConstructorLike | undefined {
  const { EventSource } = globalThis as { EventSource?: unknown };
  return typeof EventSource === 'function'
    ? (EventSource as EventSourceConstructorLike)
    : undefined;
}
