// The wait before a reconnect: the spec's reconnection time, plus exponential backoff with full
// jitter while attempts keep failing. FetchEventSource and the broadcast connection both use it.

/** Inputs of {@link reconnectDelayMs}. */
export interface ReconnectDelayOptions {
  /** The source's reconnection time: the server's last `retry:` field, else `initialRetryMs`. */
  retryMs: number;
  /** Connection attempts that failed in a row without opening. `0` right after an open connection ended. */
  failures: number;
  /** Ceiling of the delay. A server `retry:` above it still wins, as the spec makes it a minimum. */
  maxRetryMs: number;
  /** A number in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * The delay before the next connection attempt: the reconnection time, plus an exponential backoff
 * with full jitter once attempts fail in a row, capped at `maxRetryMs`.
 *
 * [spec] "Wait a delay equal to the reconnection time of the event source. Optionally, wait some
 * more. In particular, if the previous attempt failed, then user agents might introduce an
 * exponential backoff delay." The reconnection time is therefore a floor, and the jitter is drawn
 * over the extra wait only: after `n` failures it is uniform in `[0, retryMs × (2ⁿ − 1)]`, so the
 * ceiling doubles with each failure and clients that fell together spread out.
 *
 * @example
 * ```ts
 * reconnectDelayMs({ retryMs: 1000, failures: 0, maxRetryMs: 30_000 }); // 1000: the spec's delay
 * reconnectDelayMs({ retryMs: 1000, failures: 3, maxRetryMs: 30_000 }); // 1000 … 8000
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#reestablish-the-connection
 */
export function reconnectDelayMs(options: ReconnectDelayOptions): number {
  const { retryMs, failures, maxRetryMs, random = Math.random } = options;
  if (failures <= 0) return retryMs;
  // A server's `retry: 0` must not turn a failing server into a busy loop: grow from 1 ms at least.
  const unit = Math.max(retryMs, 1);
  // 2 ** 31 is past any useful ceiling; clamping keeps the arithmetic finite for a long outage.
  const growth = unit * (2 ** Math.min(failures, 31) - 1);
  const extra = Math.min(growth, Math.max(maxRetryMs - retryMs, 0));
  return retryMs + Math.floor(random() * (extra + 1));
}
