// One tab's connection when it is shared across tabs: an `EventSourceLike` fed by the holder's
// messages instead of a socket, so that the broadcast connection handles it as any other source.
import { fromSseErrorJson, SseError, SseErrorCode } from '@ssekit/core';
import type { FilterEntry } from '../broadcast/plan.js';
import { isNewer } from '../broadcast/position.js';
import { ReadyState } from '../connect/connection-error.js';
import type { SseErrorEvent, SseMessageEvent } from '../transport/events.js';
import type { EventLike, EventSourceLike, EventSourceListener } from '../transport/types.js';
import { type ShareMessage, ticketOf } from './messages.js';

type Handler = EventSourceLike['onopen'];

function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}

/** What a shared source needs from its tab's share. */
export interface SourceLink {
  /** Send this source's request to the holder (again, after a holder change). */
  request(source: SharedSource): void;
  /** This source closed. */
  release(source: SharedSource): void;
}

/**
 * A connection of one tab, carried by the shared connection of the tab that holds the lock. It
 * behaves as an `EventSource`: `open` when the holder's connection carries it, each event of that
 * connection (undecoded: the tab's broadcast connection decodes and dedupes as for its own socket),
 * `error` with `CONNECTING` while the holder reconnects or changes, `CLOSED` when refused.
 */
export class SharedSource implements EventSourceLike {
  readonly CONNECTING = 0 as const;
  readonly OPEN = 1 as const;
  readonly CLOSED = 2 as const;
  readonly withCredentials = false;
  readonly url: string;
  readonly id: string;
  readonly filter: readonly FilterEntry[];
  onopen: Handler = null;
  onmessage: EventSourceLike['onmessage'] = null;
  onerror: Handler = null;
  #readyState: number = ReadyState.CONNECTING;
  /** How many times this source has asked a holder: see `ShareMessage`. */
  #seq = 1;
  /** The holder and its connection that carry this source; frames of any other are ignored. */
  #holder: string | undefined;
  #conn = 0;
  /** [spec] The id of the last event dispatched: where a new holder resumes this source from. */
  #lastEventId: string | undefined;
  readonly #listeners = new Map<string, Set<EventSourceListener>>();
  readonly #link: SourceLink;

  constructor(options: {
    id: string;
    url: string;
    filter: readonly FilterEntry[];
    lastEventId: string | undefined;
    link: SourceLink;
  }) {
    this.id = options.id;
    this.url = options.url;
    this.filter = options.filter;
    this.#lastEventId = options.lastEventId;
    this.#link = options.link;
    this.#link.request(this);
  }

  get readyState(): number {
    return this.#readyState;
  }

  /** This source's current ask (one more after every new holder's `hello`). */
  get seq(): number {
    return this.#seq;
  }

  /** The id of the last event this source dispatched (or the one it was opened with). */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  addEventListener(type: string, listener: EventSourceListener): void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: string, listener: EventSourceListener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  close(): void {
    if (this.#readyState === ReadyState.CLOSED) return;
    this.#readyState = ReadyState.CLOSED;
    this.#listeners.clear();
    this.#link.release(this);
  }

  /** A message of the channel (or of this tab's own holder). */
  receive(message: ShareMessage): void {
    if (this.#readyState === ReadyState.CLOSED) return;
    switch (message.type) {
      case 'hello':
        this.#onHolderChange(message.holder);
        return;
      case 'open':
        // An answer to this source's current ask only: an older one may come from a holder gone.
        if (!message.tickets.includes(ticketOf(this))) return;
        this.#holder = message.holder;
        this.#conn = message.conn;
        if (this.#readyState === ReadyState.OPEN) return;
        this.#readyState = ReadyState.OPEN;
        this.#dispatch('open', { type: 'open' }, this.onopen);
        return;
      case 'event': {
        if (this.#readyState !== ReadyState.OPEN) return;
        if (message.holder !== this.#holder || message.conn < this.#conn) return;
        const { frame } = message;
        if (frame.lastEventId && isNewer(frame.lastEventId, this.#lastEventId))
          this.#lastEventId = frame.lastEventId;
        const event: SseMessageEvent = {
          type: frame.type,
          data: frame.data,
          lastEventId: frame.lastEventId,
          origin: '',
          ...(frame.topic === undefined ? {} : { topic: frame.topic }),
        };
        this.#dispatch(frame.type, event, frame.type === 'message' ? this.onmessage : null);
        return;
      }
      case 'error': {
        if (!message.tickets.includes(ticketOf(this))) return;
        if (this.#holder !== undefined && message.holder !== this.#holder) return;
        this.#fail(
          message.readyState,
          fromSseErrorJson(message.error, { status: message.status }),
          message.status,
        );
        return;
      }
      case 'request':
      case 'release':
        return;
      default:
        message satisfies never;
    }
  }

  // The tab that held the connection went away (or gave it up): the next holder is asked again,
  // from the last id this source dispatched, as an EventSource reconnects with Last-Event-ID.
  #onHolderChange(holder: string): void {
    if (holder === this.#holder) return;
    this.#holder = undefined;
    if (this.#readyState === ReadyState.OPEN) {
      this.#fail(
        ReadyState.CONNECTING,
        new SseError(SseErrorCode.NETWORK_ERROR, 'The tab holding the shared connection changed'),
        undefined,
      );
    }
    if (this.#readyState === ReadyState.CLOSED) return;
    this.#seq++;
    this.#link.request(this);
  }

  #fail(readyState: number, error: SseError, status: number | undefined): void {
    this.#readyState = readyState;
    const event: SseErrorEvent = {
      type: 'error',
      error,
      message: error.message,
      status,
      body: undefined,
      retryDelayMs: null,
    };
    this.#dispatch('error', event, this.onerror);
    if (readyState === ReadyState.CLOSED) {
      this.#listeners.clear();
      this.#link.release(this);
    }
  }

  #dispatch(type: string, event: EventLike, handler: Handler | EventSourceLike['onmessage']): void {
    // [spec] as an EventTarget does: a listener that throws is reported, the others still run.
    try {
      (handler as ((event: EventLike) => unknown) | null)?.call(this, event);
    } catch (error) {
      reportLater(error);
    }
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        listener(event as SseMessageEvent);
      } catch (error) {
        reportLater(error);
      }
    }
  }
}
