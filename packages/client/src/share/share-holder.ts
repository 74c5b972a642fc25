// The shared connection, in the tab that holds the lock: every tab's request merged into one filter,
// one real connection resuming from the oldest position any tab needs, its frames posted undecoded.
import { ControlEvent, type SseError, SseErrorCode } from '@ssekit/core';
import { Overlap } from '../broadcast/overlap.js';
import { type FilterEntry, type Plan, planOf } from '../broadcast/plan.js';
import { isNewer, oldestOf } from '../broadcast/position.js';
import { errorOf, ReadyState } from '../connect/connection-error.js';
import { openSource, type TopicMessageEvent } from '../connect/open-source.js';
import { joinUrl } from '../connect/url.js';
import type { EventSourceLike } from '../transport/types.js';
import type { ClientOptions } from '../types.js';
import { type ShareMessage, ticketOf } from './messages.js';

/** Requests that arrive together (the tabs answering a `hello`) make one connection, not ten. */
const BATCH_MS = 20;

interface HeldRequest {
  readonly id: string;
  /** The ask this entry answers: a tab's newer ask replaces it. */
  readonly seq: number;
  readonly client: string;
  readonly filter: readonly FilterEntry[];
  /** Where this request's tab has seen up to; `undefined`: from now. */
  position: string | undefined;
  /** The number of the connection that carries it, once one does. */
  carriedBy: number | undefined;
}

interface Held {
  readonly source: EventSourceLike;
  readonly conn: number;
  readonly plan: Plan;
  open: boolean;
}

export interface ShareHolderOptions {
  /** This tenure's id: every message the holder posts carries it. */
  readonly id: string;
  /** The holder tab's client options: its URL, headers and fetch make the shared connection. */
  readonly options: ClientOptions;
  /** Post to every tab, this one included. */
  readonly post: (message: ShareMessage) => void;
  /** No request is left anywhere: the lock can go. */
  readonly onIdle: () => void;
  /** A request came from this client: watch it, and call `dropClient` when it is gone. */
  readonly watchClient: (client: string) => void;
}

/** Where the shared connection of a tab that holds the lock stands, and what it carries. */
export class ShareHolder {
  readonly id: string;
  readonly #init: ShareHolderOptions;
  readonly #requests = new Map<string, HeldRequest>();
  #current: Held | undefined;
  readonly #overlap = new Overlap<Held>();
  #conns = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(init: ShareHolderOptions) {
    this.id = init.id;
    this.#init = init;
  }

  /** Tell every tab that this one holds the connection now: they send their requests again. */
  start(): void {
    this.#init.post({ type: 'hello', holder: this.id });
  }

  /** A request or a release, from any tab. */
  handle(message: ShareMessage): void {
    if (this.#closed) return;
    if (message.type === 'request') {
      this.#requests.set(message.id, {
        id: message.id,
        seq: message.seq,
        client: message.client,
        filter: message.filter,
        position: message.lastEventId,
        carriedBy: undefined,
      });
      this.#init.watchClient(message.client);
      this.#schedule();
    } else if (message.type === 'release') {
      if (this.#requests.delete(message.id)) this.#schedule();
    }
  }

  /** A tab closed without a word (crashed, killed): its requests go. */
  dropClient(client: string): void {
    let dropped = false;
    for (const [id, request] of this.#requests) {
      if (request.client !== client) continue;
      this.#requests.delete(id);
      dropped = true;
    }
    if (dropped) this.#schedule();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#overlap.end();
    this.#current?.source.close();
    this.#current = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#reconcile();
    }, BATCH_MS);
  }

  #position(held: Held): string | undefined {
    const id = (held.source as { lastEventId?: unknown }).lastEventId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  #reconcile(): void {
    if (this.#closed) return;
    if (this.#requests.size === 0) {
      this.close();
      this.#init.onIdle();
      return;
    }
    const desired = planOf(this.#entries());
    const current = this.#current;
    if (current) {
      const pending = [...this.#requests.values()].filter((r) => r.carriedBy !== current.conn);
      if (pending.length === 0) return; // a release: the filter shrinks at the next reconnect
      const at = this.#position(current);
      const covered = planOf([...current.plan.filter, ...desired.filter]).key === current.plan.key;
      // A tab that has seen less than the connection has passed needs a replay: a reconnect. So
      // does a tab with a position when the connection's is unknown (it started from "now").
      const replay = pending.some(
        (r) => r.position !== undefined && (at === undefined || isNewer(at, r.position)),
      );
      if (covered && !replay) {
        for (const r of pending) r.carriedBy = current.conn;
        if (current.open) this.#postOpen(current, pending);
        return;
      }
    }
    this.#open(desired);
  }

  #entries(): FilterEntry[] {
    const entries: FilterEntry[] = [];
    for (const request of this.#requests.values()) entries.push(...request.filter);
    return entries;
  }

  #open(plan: Plan): void {
    const previous = this.#current;
    const at = previous ? this.#position(previous) : undefined;
    for (const r of this.#requests.values()) {
      // What the old connection carried, its tab has seen: it moves on with the connection.
      if (previous && r.carriedBy === previous.conn && at !== undefined) r.position = at;
    }
    const resumeFrom = oldestOf([...this.#requests.values()].map((r) => r.position));
    const conn = ++this.#conns;
    const params = [...plan.params];
    if (resumeFrom !== undefined) params.push(['lastEventId', resumeFrom]);
    const options = this.#init.options;
    let source: EventSourceLike;
    try {
      source = openSource(options, {
        url: joinUrl(options.url, '', params),
        // The fetch transport: it reads the `topic:` field, by which each tab routes.
        preferFetch: true,
        lastEventId: resumeFrom,
        onParseError: (error) => this.#postError(held, ReadyState.OPEN, error, undefined),
      });
    } catch (error) {
      const failure = errorOf({ error }, 'Cannot open the shared connection').error;
      this.#refuse([...this.#requests.values()], failure, undefined);
      return;
    }
    const held: Held = { source, conn, plan, open: false };
    this.#current = held;
    for (const r of this.#requests.values()) r.carriedBy = conn;
    // Without an id to resume from, the old connection stays until the new one is open; the tabs
    // drop what arrives twice by id.
    this.#overlap.replace(previous, resumeFrom !== undefined);

    source.onopen = () => {
      if (this.#current !== held) return;
      held.open = true;
      this.#postOpen(held, this.#carried(held));
      this.#overlap.successorOpened();
    };
    source.onerror = (event: unknown) => this.#onError(held, event);
    const forward = (event: unknown) => {
      const message = event as TopicMessageEvent;
      // The old connection of an overlap speaks for the new one: its frames are the same stream.
      const live = this.#current === held;
      if (!live && this.#overlap.previous?.source !== source) return;
      this.#init.post({
        type: 'event',
        holder: this.id,
        conn: this.#current?.conn ?? conn,
        frame: {
          type: message.type,
          data: message.data,
          lastEventId: message.lastEventId,
          ...(message.topic === undefined ? {} : { topic: message.topic }),
        },
      });
    };
    for (const name of plan.events) source.addEventListener(name, forward);
    source.addEventListener(ControlEvent.RESET, forward);
  }

  #carried(held: Held): HeldRequest[] {
    return [...this.#requests.values()].filter((r) => r.carriedBy === held.conn);
  }

  #postOpen(held: Held, requests: readonly HeldRequest[]): void {
    if (requests.length === 0) return;
    this.#init.post({
      type: 'open',
      holder: this.id,
      conn: held.conn,
      tickets: requests.map(ticketOf),
    });
  }

  #postError(held: Held, readyState: number, error: SseError, status: number | undefined): void {
    if (this.#current !== held) return;
    this.#init.post({
      type: 'error',
      holder: this.id,
      tickets: this.#carried(held).map(ticketOf),
      readyState,
      error: error.toJSON(),
      status,
    });
  }

  #onError(held: Held, event: unknown): void {
    if (this.#current !== held) return;
    const { source } = held;
    if (source.readyState === ReadyState.OPEN) {
      this.#postError(
        held,
        ReadyState.OPEN,
        errorOf(event, 'The event stream dropped an event').error,
        undefined,
      );
      return;
    }
    if (source.readyState === ReadyState.CONNECTING) {
      // The transport reconnects by itself, from its last id; every tab it carries is told.
      held.open = false;
      const { error, status } = errorOf(event, 'Cannot reach the server');
      this.#postError(held, ReadyState.CONNECTING, error, status);
      return;
    }
    // The transport gave up: a refused answer. The requests it concerns end, as an EventSource
    // does; their tabs' clients decide (retry with backoff, drop one event, close).
    const at = this.#position(held);
    source.close();
    this.#current = undefined;
    const { error, status } = errorOf(event, 'The event stream failed');
    const carried = this.#carried(held);
    for (const r of carried) if (at !== undefined) r.position = at;
    const refusedEvent = error.code === SseErrorCode.UNKNOWN_EVENT ? error.event : undefined;
    const refused =
      refusedEvent === undefined
        ? carried
        : carried.filter((r) => r.filter.some((entry) => entry.name === refusedEvent));
    this.#refuse(refused.length > 0 ? refused : carried, error, status);
    for (const r of this.#requests.values()) r.carriedBy = undefined;
    this.#schedule();
  }

  /** End these requests with a refusal: each tab's client sees a closed `EventSource`. */
  #refuse(requests: readonly HeldRequest[], error: SseError, status: number | undefined): void {
    for (const r of requests) this.#requests.delete(r.id);
    this.#init.post({
      type: 'error',
      holder: this.id,
      tickets: requests.map(ticketOf),
      readyState: ReadyState.CLOSED,
      error: error.toJSON(),
      status,
    });
  }
}
