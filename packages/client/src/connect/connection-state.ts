// A connection's status and its failed attempts in a row, as the app hears them through `onStatus`
// and `onError`: the one rule for the broadcast connection and for RPC streams.
import type { SseError } from '@ssekit/core';
import type { ClientStatus } from '../types.js';
import { errorOf, SseConnectionError } from './connection-error.js';

/** Where a connection's status and errors go: the app's callbacks. */
export interface StateHooks {
  readonly onError?: ((error: SseError) => void) | undefined;
  readonly onStatus?: ((status: ClientStatus) => void) | undefined;
}

/** The status of one connection, the count of its failed attempts, and what the app is told. */
export class ConnectionState {
  readonly #hooks: StateHooks;
  #status: ClientStatus;
  #attempt = 0;

  constructor(hooks: StateHooks, initial: ClientStatus) {
    this.#hooks = hooks;
    this.#status = initial;
  }

  get status(): ClientStatus {
    return this.#status;
  }

  /** Failed connection attempts in a row; 0 once a connection opens. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Change the status; the app hears of a change only. */
  set(status: ClientStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#hooks.onStatus?.(status);
  }

  report(error: SseError): void {
    this.#hooks.onError?.(error);
  }

  /** The connection opened: the count of failed attempts starts again. */
  opened(): void {
    this.#attempt = 0;
    this.set('open');
  }

  /**
   * [spec] The transport reconnects by itself (`readyState` CONNECTING). A drop of an open
   * connection is routine; an attempt that never opened is reported, with its count. Returns whether
   * the connection was open.
   */
  retrying(event: unknown, fallback: string): boolean {
    const wasOpen = this.#status === 'open';
    this.set('reconnecting');
    if (!wasOpen)
      this.report(new SseConnectionError(errorOf(event, fallback).error, ++this.#attempt));
    return wasOpen;
  }

  /** An attempt failed and the owner retries it: reported with its count, which it returns. */
  failed(error: SseError): number {
    this.report(new SseConnectionError(error, ++this.#attempt));
    this.set('reconnecting');
    return this.#attempt;
  }
}
