// The live half of one tRPC broadcast subscription: what the broker's listener pushed, waiting for
// the subscription's generator, which tRPC pulls at the pace of the socket.
import type { BrokerEvent, ResetReason } from '@ssekit/server';

/** One queued item: a live event, a reset of the log, or a failure of this subscription. */
export type LiveItem =
  | { readonly type: 'event'; readonly event: BrokerEvent }
  | { readonly type: 'reset'; readonly reason: ResetReason; readonly lastId: string }
  | { readonly type: 'failed'; readonly error: unknown };

/** What `LiveQueue.take` gives: a union tagged by `type`. */
export type TakeResult =
  | { readonly type: 'items'; readonly items: readonly LiveItem[] }
  /** The subscription's signal aborted: the generator returns. */
  | { readonly type: 'aborted' }
  /** The consumer fell more than `maxBufferedBytes` behind: the queue was dropped. */
  | { readonly type: 'overflow' };

/**
 * The live items of one tRPC subscription, between the broker's listener (which pushes at any time)
 * and the subscription's generator.
 */
export class LiveQueue {
  #items: LiveItem[] = [];
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

  push(item: LiveItem): void {
    if (this.#overflow) return;
    this.#items.push(item);
    if (item.type === 'event') this.#bytes += item.event.data.length;
    if (this.#maxBufferedBytes !== null && this.#bytes > this.#maxBufferedBytes) {
      // Like the SSE hub's slow-consumer close: drop what is queued and make the client reconnect,
      // so that it replays from the log instead of holding server memory.
      this.#overflow = true;
      this.#items = [];
      this.#bytes = 0;
    }
    this.#wake?.();
  }

  /** Every item queued so far, waiting for one when there is none. */
  async take(): Promise<TakeResult> {
    while (this.#items.length === 0 && !this.#overflow && !this.#signal.aborted) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
    if (this.#signal.aborted) return { type: 'aborted' };
    if (this.#overflow) return { type: 'overflow' };
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    return { type: 'items', items };
  }

  close(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#items = [];
    this.#wake?.();
  }
}
