// Why a native EventSource failed: it never says, so one FetchEventSource attempt asks the server
// again. Used by the broadcast connection when a platform EventSource closes before it ever opened.
import type { SseError } from '@ssekit/core';
import { FetchEventSource } from '../transport/fetch-event-source.js';
import type { FetchLike } from '../transport/types.js';

/** How long the probe may wait for the server's first byte before it gives up and reports nothing. */
const PROBE_TIMEOUT_MS = 5_000;

/** A refusal the probe saw: the server's status and the error its JSON body describes. */
export interface Refusal {
  readonly status: number;
  readonly error: SseError;
}

/**
 * Request `url` once and tell a refused answer (404, 401, a JSON error body) from a network
 * failure. Resolves `undefined` when the server answers with a stream (the failure was transient)
 * or cannot be reached. It is one attempt of FetchEventSource, closed at its first event, so that
 * the probe reads a refusal with the very rules (status, `Content-Type`, error body) of the transport.
 */
export function probeRefusal(
  fetchFn: FetchLike | undefined,
  url: string,
  withCredentials: boolean,
): Promise<Refusal | undefined> {
  return new Promise((resolve) => {
    let source: FetchEventSource;
    try {
      source = new FetchEventSource(url, {
        withCredentials,
        fetch: fetchFn,
        stallTimeoutMs: PROBE_TIMEOUT_MS,
      });
    } catch {
      // no fetch, or a URL that does not parse: nothing more to learn
      resolve(undefined);
      return;
    }
    source.onopen = () => {
      source.close();
      resolve(undefined);
    };
    // CLOSED: refused, with the status and the error read from the body; CONNECTING: not reached.
    source.onerror = (event) => {
      const refused = source.readyState === FetchEventSource.CLOSED;
      source.close();
      resolve(refused ? { status: event.status ?? 0, error: event.error } : undefined);
    };
  });
}
