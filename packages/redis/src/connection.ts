import type { Redis } from 'ioredis';
import { RedisBrokerError, RedisBrokerErrorCode } from './errors.js';

type Send = () => void;

interface Waiter {
  readonly send: Send;
  readonly fail: (error: RedisBrokerError) => void;
}

/**
 * The broker's command connection, with the rules that make an acknowledgement mean something:
 *
 * - A command is written only while the client is `ready`. Until then it waits here, in call order,
 *   for at most `timeoutMs`; if that passes it fails with `TIMEOUT` and is never sent. (ioredis's
 *   own offline queue would send it whenever the connection came back, even after we gave up.)
 * - Once written, it settles with Redis's answer, or fails with `UNCERTAIN` when the connection
 *   closes or `timeoutMs` passes first: Redis may have executed it.
 * - Commands go out in call order, so the tail's starting point, read here, is ordered before any
 *   append that the same process makes after `subscribe`.
 */
export class CommandConnection {
  readonly client: Redis;
  readonly #timeoutMs: number | null;
  // A Set: insertion order for sending, O(1) removal when a waiter times out during a long outage.
  readonly #pending = new Set<Waiter>();
  readonly #inflight = new Set<(error: RedisBrokerError) => void>();
  #closed = false;
  readonly #onReady = (): void => this.#flush();
  readonly #onClose = (): void => {
    const error = new RedisBrokerError(
      RedisBrokerErrorCode.UNCERTAIN,
      'The Redis connection closed before the command was answered',
    );
    for (const fail of [...this.#inflight]) fail(error);
  };
  readonly #onEnd = (): void => this.#failPending('The Redis connection has ended');

  constructor(client: Redis, timeoutMs: number | null) {
    this.client = client;
    this.#timeoutMs = timeoutMs;
    client.on('ready', this.#onReady);
    client.on('close', this.#onClose);
    client.on('end', this.#onEnd);
  }

  /**
   * Run one command (or a short chain, such as EVALSHA then EVAL on `NOSCRIPT`) under the rules above.
   * `run` is called at most once, and only while the client is ready.
   */
  run<T>(run: (client: Redis) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#closed) {
        reject(new RedisBrokerError(RedisBrokerErrorCode.CLOSED, 'The broker was closed'));
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      let waiter: Waiter | undefined;
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        if (timer) clearTimeout(timer);
        return true;
      };
      const failInflight = (error: RedisBrokerError): void => {
        this.#inflight.delete(failInflight);
        if (settle()) reject(error);
      };
      const send: Send = () => {
        if (settled) return;
        this.#inflight.add(failInflight);
        let answer: Promise<T>;
        try {
          answer = run(this.client);
        } catch (cause) {
          answer = Promise.reject(cause);
        }
        answer.then(
          (value) => {
            this.#inflight.delete(failInflight);
            if (settle()) resolve(value);
          },
          (cause: unknown) => failInflight(toBrokerError(cause)),
        );
      };
      if (this.#timeoutMs !== null) {
        timer = setTimeout(() => {
          if (waiter && this.#pending.delete(waiter)) {
            if (settle()) reject(timeoutError(this.#timeoutMs!));
            return;
          }
          failInflight(
            new RedisBrokerError(
              RedisBrokerErrorCode.UNCERTAIN,
              `Redis did not answer within ${this.#timeoutMs} ms; the command may have been executed`,
            ),
          );
        }, this.#timeoutMs);
      }
      if (this.#pending.size === 0 && this.client.status === 'ready') {
        send();
        return;
      }
      waiter = { send, fail: (error) => settle() && reject(error) };
      this.#pending.add(waiter);
      this.#wake();
    });
  }

  /** Fail every waiting command with `CLOSED` and stop listening; the client itself is left as it is. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failPending('The broker was closed');
    this.client.off('ready', this.#onReady);
    this.client.off('close', this.#onClose);
    this.client.off('end', this.#onEnd);
  }

  #wake(): void {
    switch (this.client.status) {
      case 'ready':
        // The 'ready' event may still be on its way (ioredis emits it on nextTick): flush soon, in order.
        queueMicrotask(() => this.#flush());
        break;
      case 'wait':
        // A lazyConnect client connects on its first command; ours are held back, so connect it here.
        this.client.connect().catch(() => {});
        break;
      case 'end':
        this.#onEnd();
        break;
      default:
        // connecting, connect, reconnecting, close: 'ready' (or 'end') will follow.
        break;
    }
  }

  #failPending(message: string): void {
    const error = new RedisBrokerError(RedisBrokerErrorCode.CLOSED, message);
    const waiters = [...this.#pending];
    this.#pending.clear();
    for (const waiter of waiters) waiter.fail(error);
  }

  #flush(): void {
    for (const waiter of this.#pending) {
      if (this.client.status !== 'ready') return;
      this.#pending.delete(waiter);
      waiter.send();
    }
  }
}

function timeoutError(timeoutMs: number): RedisBrokerError {
  return new RedisBrokerError(
    RedisBrokerErrorCode.TIMEOUT,
    `Redis was not reachable within ${timeoutMs} ms; the command was not sent`,
  );
}

function toBrokerError(cause: unknown): RedisBrokerError {
  if (cause instanceof RedisBrokerError) return cause;
  if (isReplyError(cause)) {
    return new RedisBrokerError(
      RedisBrokerErrorCode.REDIS_ERROR,
      `Redis answered: ${cause.message}`,
      { cause },
    );
  }
  // "Connection is closed.", MaxRetriesPerRequestError, a socket error: the command had been written.
  return new RedisBrokerError(
    RedisBrokerErrorCode.UNCERTAIN,
    'The Redis connection failed after the command was sent; it may have been executed',
    { cause },
  );
}

/** Whether Redis itself answered with an error (ioredis's `ReplyError`), as opposed to a failed connection. */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}
