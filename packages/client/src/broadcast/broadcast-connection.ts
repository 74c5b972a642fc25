import { type AnyContract, ControlEvent, decodeData, SseError, SseErrorCode } from '@ssekit/core';
import {
  backoffDelay,
  errorOf,
  isRetryable,
  openSource,
  ReadyState,
  type TopicMessageEvent,
} from '../connect/open-source.js';
import { compareIds, joinUrl } from '../connect/url.js';
import type { EventSourceLike } from '../transport/types.js';
import type { ClientOptions, ClientStatus } from '../types.js';

interface Subscription {
  readonly name: string;
  readonly topics: ReadonlySet<string> | undefined;
  readonly callback: (data: unknown) => void;
}

/** What one connection asks the server for. */
interface Plan {
  readonly key: string;
  readonly params: [string, string][];
  readonly events: readonly string[];
  /** Subscriptions to one event disagree on topics: events must be routed by their `topic:` field. */
  readonly routeByTopic: boolean;
}

interface Current {
  readonly source: EventSourceLike;
  readonly plan: Plan;
}

// How long the old connection stays open after the new one opened, when the new one could not be
// told where to resume (no id seen yet): events in flight on the old socket still arrive.
const OVERLAP_MS = 300;

function topicKey(topics: ReadonlySet<string> | undefined): string {
  return topics ? [...topics].sort().join('\u0000') : '*';
}

/**
 * The one broadcast connection of a client: opened lazily on the first subscription, closed with the
 * last, and reopened with the last seen id when the set of subscriptions changes.
 */
export class BroadcastConnection {
  readonly #contract: AnyContract;
  readonly #options: ClientOptions;
  readonly #byName = new Map<string, Set<Subscription>>();
  #current: Current | undefined;
  #overlap:
    | {
        source: EventSourceLike;
        seen: Set<string>;
        timer: ReturnType<typeof setTimeout> | undefined;
      }
    | undefined;
  #status: ClientStatus = 'idle';
  #lastEventId: string | undefined;
  #scheduled = false;
  #closed = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(contract: AnyContract, options: ClientOptions) {
    this.#contract = contract;
    this.#options = options;
    this.#lastEventId = options.lastEventId;
  }

  get status(): ClientStatus {
    return this.#status;
  }

  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  add(
    name: string,
    callback: (data: unknown) => void,
    topics: ReadonlySet<string> | undefined,
  ): () => void {
    if (this.#closed) throw new SseError(SseErrorCode.NETWORK_ERROR, 'The client is closed');
    if (!Object.hasOwn(this.#contract.events, name)) {
      throw new SseError(SseErrorCode.UNKNOWN_EVENT, `Unknown event ${JSON.stringify(name)}`);
    }
    const sub: Subscription = { name, topics, callback };
    let set = this.#byName.get(name);
    if (!set) {
      set = new Set();
      this.#byName.set(name, set);
    }
    set.add(sub);
    this.#schedule();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const subs = this.#byName.get(name);
      subs?.delete(sub);
      if (subs?.size === 0) this.#byName.delete(name);
      this.#schedule();
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#byName.clear();
    this.#drop();
    this.#setStatus('closed');
  }

  // Changes in one tick are merged: subscribing to five events opens one connection, not five.
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#reconcile();
    });
  }

  #reconcile(): void {
    if (this.#closed) return;
    if (this.#byName.size === 0) {
      this.#drop();
      this.#setStatus('idle');
      return;
    }
    const plan = this.#plan();
    if (this.#current && this.#current.plan.key === plan.key) return;
    this.#open(plan);
  }

  #plan(): Plan {
    const events = [...this.#byName.keys()].sort();
    const params: [string, string][] = [['events', events.join(',')]];
    let routeByTopic = false;
    for (const name of events) {
      const subs = [...this.#byName.get(name)!];
      const keys = new Set(subs.map((s) => topicKey(s.topics)));
      if (keys.size > 1) routeByTopic = true;
      // The server narrows an event to topics only when every subscription to it names topics.
      if (subs.every((s) => s.topics)) {
        const union = new Set<string>();
        for (const s of subs) for (const t of s.topics!) union.add(t);
        for (const t of [...union].sort()) params.push(['topic', `${name}:${t}`]);
      }
    }
    return { key: params.map(([k, v]) => `${k}=${v}`).join('&'), params, events, routeByTopic };
  }

  #open(plan: Plan): void {
    const previous = this.#current;
    const resumeFrom = this.#resumeId();
    const params = [...plan.params];
    if (resumeFrom !== undefined) params.push(['lastEventId', resumeFrom]);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;

    let source: EventSourceLike;
    try {
      source = openSource(this.#options, {
        url: joinUrl(this.#options.url, '', params),
        preferFetch: plan.routeByTopic,
        lastEventId: resumeFrom,
        onParseError: (error) => this.#report(error),
      });
    } catch (error) {
      this.#report(
        error instanceof SseError ? error : new SseError(SseErrorCode.NETWORK_ERROR, String(error)),
      );
      this.#setStatus('closed');
      return;
    }
    this.#current = { source, plan };
    // A retry after the transport gave up (#current is gone by then) is still a reconnect.
    this.#setStatus(previous || this.#status === 'reconnecting' ? 'reconnecting' : 'connecting');

    if (previous) {
      if (resumeFrom !== undefined) {
        // The new connection replays from the last id: the old one can go now.
        previous.source.close();
      } else {
        // No id yet to resume from: keep the old connection until the new one is open, and drop
        // the duplicates that the overlap brings.
        this.#endOverlap();
        this.#overlap = { source: previous.source, seen: new Set(), timer: undefined };
      }
    }

    source.onopen = () => {
      if (this.#current?.source !== source) return;
      this.#attempt = 0;
      this.#setStatus('open');
      const overlap = this.#overlap;
      if (overlap && overlap.timer === undefined)
        overlap.timer = setTimeout(() => this.#endOverlap(), OVERLAP_MS);
    };
    source.onerror = (event: unknown) => this.#onError(source, event);
    const onMessage = (event: unknown) => this.#onMessage(source, event as TopicMessageEvent);
    for (const name of plan.events) source.addEventListener(name, onMessage);
    source.addEventListener(ControlEvent.RESET, (event: unknown) => {
      if (this.#current?.source !== source) return;
      const message = event as TopicMessageEvent;
      if (message.lastEventId) this.#lastEventId = message.lastEventId;
      let reason = 'unknown';
      try {
        reason = String((JSON.parse(message.data) as { reason?: unknown }).reason ?? reason);
      } catch {}
      this.#options.onReset?.({ reason });
    });
  }

  #onMessage(source: EventSourceLike, event: TopicMessageEvent): void {
    const overlap = this.#overlap;
    const fromCurrent = this.#current?.source === source;
    if (!fromCurrent && overlap?.source !== source) return;
    const id = event.lastEventId;
    if (overlap && id) {
      if (overlap.seen.has(id)) return;
      overlap.seen.add(id);
    }
    if (id && (this.#lastEventId === undefined || (compareIds(id, this.#lastEventId) ?? 1) > 0)) {
      this.#lastEventId = id;
    }
    const name = event.type;
    const subs = this.#byName.get(name);
    if (!subs || subs.size === 0) return;
    const schema = this.#options.validate === false ? undefined : this.#contract.events[name];
    const result = decodeData(schema, event.data, name);
    if (result.status === 'error') {
      this.#report(result.error);
      return;
    }
    const routeByTopic = this.#current?.plan.routeByTopic ?? false;
    for (const sub of [...subs]) {
      if (sub.topics && routeByTopic && (event.topic === undefined || !sub.topics.has(event.topic)))
        continue;
      try {
        sub.callback(result.value);
      } catch (cause) {
        this.#report(
          new SseError(SseErrorCode.INTERNAL, `A subscriber to "${name}" threw`, {
            cause,
            expose: true,
          }),
        );
      }
    }
  }

  #onError(source: EventSourceLike, event: unknown): void {
    if (this.#current?.source !== source) return;
    if (source.readyState === ReadyState.OPEN) {
      // FetchEventSource reports a dropped over-long event this way; the connection goes on.
      this.#report(errorOf(event, 'The event stream dropped an event').error);
      return;
    }
    if (source.readyState === ReadyState.CONNECTING) {
      // [spec] the EventSource reconnects by itself, with the last id in Last-Event-ID.
      this.#setStatus('reconnecting');
      return;
    }
    // The transport gave up: a refused answer, or a network failure the platform treats as final.
    const { error, status } = errorOf(event, 'The event stream failed');
    this.#report(error);
    source.close();
    this.#current = undefined;
    if (!isRetryable(status)) {
      this.#setStatus('closed');
      return;
    }
    this.#setStatus('reconnecting');
    const delay = backoffDelay(this.#attempt++, 1_000, this.#options.maxRetryMs ?? 30_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#reconcile();
    }, delay);
  }

  #resumeId(): string | undefined {
    // FetchEventSource also knows the id of an id-only block (the server's position at connect).
    const fromSource = (this.#current?.source as { lastEventId?: unknown } | undefined)
      ?.lastEventId;
    if (typeof fromSource === 'string' && fromSource !== '') {
      if (this.#lastEventId === undefined || (compareIds(fromSource, this.#lastEventId) ?? 1) > 0) {
        this.#lastEventId = fromSource;
      }
    }
    return this.#lastEventId;
  }

  #endOverlap(): void {
    const overlap = this.#overlap;
    if (!overlap) return;
    this.#overlap = undefined;
    clearTimeout(overlap.timer);
    overlap.source.close();
  }

  #drop(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#endOverlap();
    if (this.#current) {
      this.#resumeId();
      this.#current.source.close();
      this.#current = undefined;
    }
  }

  #report(error: SseError): void {
    this.#options.onError?.(error);
  }

  #setStatus(status: ClientStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#options.onStatus?.(status);
  }
}
