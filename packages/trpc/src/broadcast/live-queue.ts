import type { BrokerEvent } from '@ssekit/server';

/** What `LiveQueue.take` gives: a union tagged by `type`. */
export type TakeResult =
  | { readonly type: 'events'; readonly events: readonly BrokerEvent[] }
  /** The subscription's signal aborted: the generator returns. */
  | { readonly type: 'aborted' }
  /** The consumer fell more than `maxBufferedBytes` behind: the queue was dropped. */
  | { readonly type: 'overflow' };

/**
 * The live events of one tRPC subscription, between the broker's listener (which pushes at any time)
 * and the subscription's generator (which tRPC pulls at the pace of the socket).
 */
export class LiveQueue {
  #events: BrokerEvent[] = [];
  #bytes = 0;
  #overflow = false;
  #wake: (() => void) | undefined;
  readonly #maxBufferedBytes: number | null;
  readonly #signal: AbortSignal;
  readonly #onAbort = () => this.#wake?.();

  constructor(options: { maxBufferedBytes: number | null; signal: AbortSignal }) {
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#signal = options.signal;
    this.#signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  push(event: BrokerEvent): void {
    if (this.#overflow) return;
    this.#events.push(event);
    this.#bytes += event.data.length;
    if (this.#maxBufferedBytes !== null && this.#bytes > this.#maxBufferedBytes) {
      // Like the SSE hub's slow-consumer close: drop what is queued and make the client reconnect,
      // so that it replays from the log instead of holding server memory.
      this.#overflow = true;
      this.#events = [];
      this.#bytes = 0;
    }
    this.#wake?.();
  }

  /** Every event queued so far, waiting for one when there is none. */
  async take(): Promise<TakeResult> {
    while (this.#events.length === 0 && !this.#overflow && !this.#signal.aborted) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
    if (this.#signal.aborted) return { type: 'aborted' };
    if (this.#overflow) return { type: 'overflow' };
    const events = this.#events;
    this.#events = [];
    this.#bytes = 0;
    return { type: 'events', events };
  }

  close(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#events = [];
    this.#wake?.();
  }
}
