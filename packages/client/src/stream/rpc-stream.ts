// One RPC stream: typed input in, typed events out, until `ssekit.end`, `ssekit.error` or a bound on
// how long it may take to open. createClient makes them; the transport carries them.
import {
  type AnyClientContract,
  ControlEvent,
  decodeData,
  encodeValue,
  fromSseErrorJson,
  isSseErrorJson,
  SseError,
  SseErrorCode,
} from '@ssekit/core';
import { AsyncQueue } from '../async-queue.js';
import { errorOf, ReadyState } from '../connect/connection-error.js';
import { ConnectionState } from '../connect/connection-state.js';
import { openSource, type TopicMessageEvent } from '../connect/open-source.js';
import { joinUrl } from '../connect/url.js';
import type { EventSourceLike } from '../transport/types.js';
import type { ClientOptions, ClientStatus, StreamOptions } from '../types.js';

type Item = { event: string; data: unknown };

/** The default of `StreamOptions.connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * One RPC stream: a request with typed input, and the stream of typed events it returns. It ends
 * for good on `ssekit.end` or `ssekit.error`; a dropped connection reconnects with the last id.
 */
export class RpcStream {
  readonly done: Promise<void>;
  readonly #listeners = new Map<string, Set<(data: unknown) => void>>();
  readonly #queues = new Set<AsyncQueue<Item>>();
  readonly #options: StreamOptions;
  readonly #source: EventSourceLike | undefined;
  readonly #state: ConnectionState;
  #settle!: { resolve: () => void; reject: (error: SseError) => void };
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #name: string;

  constructor(
    contract: AnyClientContract,
    clientOptions: ClientOptions,
    name: string,
    input: unknown,
    options: StreamOptions,
  ) {
    this.#options = options;
    this.#state = new ConnectionState(options, 'connecting');
    this.#name = name;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // An unobserved rejection of `done` is not an error of the app's: errors also go to onError.
    this.done.catch(() => {});

    const definition = Object.hasOwn(contract.streams, name) ? contract.streams[name] : undefined;
    if (!definition) {
      this.#source = undefined;
      this.#fail(
        new SseError(SseErrorCode.UNKNOWN_STREAM, `Unknown stream ${JSON.stringify(name)}`),
      );
      return;
    }
    // Input is checked here first: a wrong input fails at once with its issues, without a request.
    const encoded = encodeValue(definition.input, input);
    if (encoded.issues) {
      this.#source = undefined;
      this.#fail(
        new SseError(SseErrorCode.INVALID_INPUT, `Invalid input for stream "${name}"`, {
          issues: encoded.issues,
          event: name,
          cause: encoded.cause,
        }),
      );
      return;
    }
    const json = JSON.stringify(encoded.value ?? null);
    const canPost =
      clientOptions.EventSource === undefined ||
      clientOptions.headers !== undefined ||
      clientOptions.fetch !== undefined;
    const source = openSource(clientOptions, {
      url: joinUrl(
        clientOptions.url,
        `/streams/${encodeURIComponent(name)}`,
        canPost ? [] : [['input', json]],
      ),
      // fetch can POST the input and read a refused request's body; a given EventSource class wins.
      preferFetch: clientOptions.EventSource === undefined,
      onParseError: (error) => this.#state.report(error),
      ...(canPost ? { method: 'POST' as const, body: json } : {}),
    });
    this.#source = source;
    this.#armConnectTimer();

    source.onopen = () => {
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
      this.#state.opened();
    };
    source.onerror = (event: unknown) => {
      if (this.#state.status === 'closed') return;
      if (source.readyState === ReadyState.OPEN) {
        this.#state.report(errorOf(event, `Stream "${name}" dropped an event`).error);
        return;
      }
      if (source.readyState === ReadyState.CONNECTING) {
        // The transport retries with its backoff; a drop of an open stream starts the bound again.
        if (this.#state.retrying(event, `Cannot reach the server for stream "${name}"`))
          this.#armConnectTimer();
        return;
      }
      this.#fail(errorOf(event, `Stream "${name}" failed`).error);
    };
    for (const [event, schema] of Object.entries(definition.events)) {
      source.addEventListener(event, (raw: unknown) => {
        const message = raw as TopicMessageEvent;
        const result = decodeData(
          clientOptions.validate === false ? undefined : schema,
          message.data,
          `${name}.${event}`,
        );
        if (result.status === 'error') {
          this.#state.report(result.error);
          return;
        }
        this.#deliver({ event, data: result.value });
      });
    }
    source.addEventListener(ControlEvent.END, () => {
      this.#finish();
      this.#settle.resolve();
    });
    source.addEventListener(ControlEvent.ERROR, (raw: unknown) => {
      let json: unknown;
      try {
        json = JSON.parse((raw as TopicMessageEvent).data);
      } catch {}
      this.#fail(
        isSseErrorJson(json)
          ? fromSseErrorJson(json)
          : new SseError(SseErrorCode.STREAM_FAILED, `Stream "${name}" failed`),
      );
    });
  }

  get status(): ClientStatus {
    return this.#state.status;
  }

  on(event: string, callback: (data: unknown) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(callback);
    return () => set.delete(callback);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Item> {
    const queue: AsyncQueue<Item> = new AsyncQueue<Item>(() => this.#queues.delete(queue));
    if (this.#state.status === 'closed') queue.end();
    else this.#queues.add(queue);
    return queue;
  }

  close(): void {
    if (this.#state.status === 'closed') return;
    this.#finish();
    this.#settle.resolve();
  }

  // `done` settles within a bound: a server that cannot be reached ends the stream, not the wait.
  #armConnectTimer(): void {
    const ms =
      this.#options.connectTimeoutMs === undefined
        ? DEFAULT_CONNECT_TIMEOUT_MS
        : this.#options.connectTimeoutMs;
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    if (ms === null) return;
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = undefined;
      this.#fail(
        new SseError(
          SseErrorCode.NETWORK_ERROR,
          `Stream "${this.#name}" did not open within ${ms} ms (${this.#state.attempt} failed attempts)`,
        ),
      );
    }, ms);
  }

  #deliver(item: Item): void {
    for (const queue of this.#queues) queue.push(item);
    const set = this.#listeners.get(item.event);
    if (!set) return;
    for (const callback of [...set]) {
      try {
        callback(item.data);
      } catch (cause) {
        this.#state.report(
          new SseError(SseErrorCode.INTERNAL, `A listener of "${item.event}" threw`, {
            cause,
            expose: true,
          }),
        );
      }
    }
  }

  #fail(error: SseError): void {
    if (this.#state.status === 'closed') return;
    this.#state.report(error);
    for (const queue of this.#queues) queue.fail(error);
    this.#finish();
    this.#settle.reject(error);
  }

  #finish(): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    // [DESIGN] no reconnect after ssekit.end or ssekit.error: the source is closed for good.
    this.#source?.close();
    for (const queue of [...this.#queues]) queue.end();
    this.#queues.clear();
    this.#state.set('closed');
  }
}
