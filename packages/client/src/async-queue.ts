// A bounded push-to-pull queue: what turns callbacks into async iterables, for
// `client.events(name)` and an RPC stream's `for await`.
import { SseError, SseErrorCode } from '@ssekit/core';

/**
 * A bounded push-to-pull queue behind the async iterables. A consumer that stops pulling cannot
 * grow it without end: past `limit` items the iterator fails with an error instead.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #done = false;
  #error: unknown;
  readonly #limit: number;
  readonly #onReturn: () => void;

  constructor(onReturn: () => void, limit = 10_000) {
    this.#onReturn = onReturn;
    this.#limit = limit;
  }

  push(item: T): void {
    if (this.#done) return;
    if (this.#waiting) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ value: item, done: false });
      return;
    }
    if (this.#items.length >= this.#limit) {
      this.fail(
        new SseError(SseErrorCode.INTERNAL, `Iterator fell ${this.#limit} events behind`, {
          expose: true,
        }),
      );
      return;
    }
    this.#items.push(item);
  }

  /** End the iteration after the queued items. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#settleWaiting();
    this.#onReturn();
  }

  /** End the iteration with an error, thrown after the queued items. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error;
    this.end();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0)
      return Promise.resolve({ value: this.#items.shift() as T, done: false });
    if (this.#done) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#items = [];
    this.#error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #settleWaiting(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      waiting.reject(error);
    } else waiting.resolve({ value: undefined, done: true });
  }
}
