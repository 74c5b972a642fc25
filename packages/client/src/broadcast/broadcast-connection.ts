// The one broadcast connection of a client: subscriptions merged into one request, reconnects, and
// what goes wrong reported through onError. Sits between createClient and the transport.
import {
  type AnyClientContract,
  ControlEvent,
  decodeData,
  SseError,
  SseErrorCode,
} from '@ssekit/core';
import { errorOf, isRetryable, ReadyState } from '../connect/connection-error.js';
import { ConnectionState } from '../connect/connection-state.js';
import { openSource, type TopicMessageEvent } from '../connect/open-source.js';
import { probeRefusal } from '../connect/probe.js';
import { joinUrl } from '../connect/url.js';
import { reconnectDelayMs } from '../transport/backoff.js';
import type { EventSourceLike } from '../transport/types.js';
import type { ClientOptions, ClientStatus, ResetInfo, TabShareLike } from '../types.js';
import { Overlap } from './overlap.js';
import { asks, type Plan, planOf } from './plan.js';
import { isNewer, oldestOf } from './position.js';

interface Subscription {
  readonly name: string;
  readonly topics: ReadonlySet<string> | undefined;
  readonly callback: (data: unknown) => void;
  /**
   * The newest id this subscription has been given or has passed over (while its connection carried
   * it). An event at or before it is never delivered to it again, whatever a reconnect replays, and
   * a new connection resumes from the oldest of these, so that a subscription added mid-stream gets
   * what was published after `subscribe()`, not after the switch to a connection that carries it.
   */
  seenUpTo: string | undefined;
  /** The id of the last event given to its callback. */
  lastDelivered: string | undefined;
}

interface Current {
  readonly source: EventSourceLike;
  readonly plan: Plan;
  /** The subscriptions this connection carries: its events advance their `seenUpTo`. */
  readonly subs: ReadonlySet<Subscription>;
}

function advance(sub: Subscription, id: string): void {
  if (isNewer(id, sub.seenUpTo)) sub.seenUpTo = id;
}

/**
 * The one broadcast connection of a client: opened lazily on the first subscription, closed with the
 * last, and reopened with the last seen id when the set of subscriptions changes.
 */
export class BroadcastConnection {
  readonly #contract: AnyClientContract;
  readonly #options: ClientOptions;
  readonly #byName = new Map<string, Set<Subscription>>();
  #current: Current | undefined;
  readonly #overlap = new Overlap<Current>();
  readonly #state: ConnectionState;
  #lastEventId: string | undefined;
  #scheduled = false;
  #closed = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** A reset was reported and no event delivered since: the next resets belong to its burst. */
  #resetMerged = false;

  /** Set with `shareAcrossTabs`: connections go through the tab that holds the shared one. */
  readonly #share: TabShareLike | undefined;

  constructor(contract: AnyClientContract, options: ClientOptions, share?: TabShareLike) {
    this.#contract = contract;
    this.#options = options;
    this.#state = new ConnectionState(options, 'idle');
    this.#share = share;
    this.#lastEventId = options.lastEventId;
  }

  get status(): ClientStatus {
    return this.#state.status;
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
    const since = this.#resumeId();
    const sub: Subscription = { name, topics, callback, seenUpTo: since, lastDelivered: since };
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
    this.#share?.close();
    this.#state.set('closed');
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
      this.#state.set('idle');
      return;
    }
    const plan = this.#plan();
    if (this.#current && this.#current.plan.key === plan.key) return;
    this.#open(plan);
  }

  #plan(): Plan {
    const subs: Subscription[] = [];
    for (const set of this.#byName.values()) subs.push(...set);
    return planOf(subs);
  }

  #open(plan: Plan): void {
    const previous = this.#current;
    const subs = new Set<Subscription>();
    for (const set of this.#byName.values()) for (const sub of set) subs.add(sub);
    const resumeFrom = this.#oldestSeen(subs);
    const params = [...plan.params];
    if (resumeFrom !== undefined) params.push(['lastEventId', resumeFrom]);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;

    let source: EventSourceLike;
    const url = joinUrl(this.#options.url, '', params);
    try {
      source = this.#share
        ? this.#share.open({ url, filter: plan.filter, lastEventId: resumeFrom })
        : openSource(this.#options, {
            url,
            preferFetch: plan.routeByTopic,
            lastEventId: resumeFrom,
            onParseError: (error) => this.#state.report(error),
          });
    } catch (error) {
      this.#state.report(
        error instanceof SseError ? error : new SseError(SseErrorCode.NETWORK_ERROR, String(error)),
      );
      this.#state.set('closed');
      return;
    }
    this.#current = { source, plan, subs };
    // A retry after the transport gave up (#current is gone by then) is still a reconnect.
    this.#state.set(
      previous || this.#state.status === 'reconnecting' ? 'reconnecting' : 'connecting',
    );

    this.#overlap.replace(previous, resumeFrom !== undefined);

    source.onopen = () => {
      if (this.#current?.source !== source) return;
      this.#state.opened();
      this.#overlap.successorOpened();
    };
    source.onerror = (event: unknown) => this.#onError(source, event);
    const onMessage = (event: unknown) => this.#onMessage(source, event as TopicMessageEvent);
    for (const name of plan.events) source.addEventListener(name, onMessage);
    source.addEventListener(ControlEvent.RESET, (event: unknown) => {
      if (this.#current?.source !== source) return;
      const message = event as TopicMessageEvent;
      if (message.lastEventId) {
        this.#lastEventId = message.lastEventId;
        // The log starts again from here for every subscription of this connection.
        for (const sub of subs) sub.seenUpTo = message.lastEventId;
      }
      let reason = 'unknown';
      try {
        reason = String((JSON.parse(message.data) as { reason?: unknown }).reason ?? reason);
      } catch {}
      this.#queueReset({ reason });
    });
  }

  #onMessage(source: EventSourceLike, event: TopicMessageEvent): void {
    const current = this.#current;
    const fromCurrent = current?.source === source;
    const from = fromCurrent ? current : this.#overlap.previous;
    if (from?.source !== source) return;
    const id = event.lastEventId;
    const name = event.type;
    // A shared connection also carries the other tabs' events: a tab takes only what its own request
    // asked for. (A subscription added since waits for the request that asks for it, which resumes
    // from where it subscribed: an event another tab asked for could have come before some of the
    // ones published after its subscribe(), and a gap would follow.) An event not taken is not seen:
    // during an overlap, the new connection that asks for it must still deliver it.
    const asked = this.#share === undefined || asks(from.plan, name, event.topic);
    if (id && asked && !this.#overlap.firstSighting(id)) return;
    if (id && isNewer(id, this.#lastEventId)) this.#lastEventId = id;
    const subs = this.#byName.get(name);
    const carried = fromCurrent ? current.subs : undefined;
    if (!subs || subs.size === 0 || !asked) {
      if (id && carried) for (const sub of carried) advance(sub, id);
      return;
    }
    const schema = this.#options.validate === false ? undefined : this.#contract.events[name];
    const result = decodeData(schema, event.data, name);
    if (result.status === 'error') {
      this.#state.report(result.error);
      return;
    }
    this.#resetMerged = false;
    // A shared connection carries the other tabs' topics too: its events are always routed.
    const routeByTopic = this.#share !== undefined || (this.#current?.plan.routeByTopic ?? false);
    const targets = [...subs];
    if (id && carried) for (const sub of carried) advance(sub, id);
    for (const sub of targets) {
      if (sub.topics && routeByTopic && (event.topic === undefined || !sub.topics.has(event.topic)))
        continue;
      if (id) {
        // Delivered or passed over already: a replay after a switch repeats it, never to this one.
        if (!isNewer(id, sub.lastDelivered)) continue;
        sub.lastDelivered = id;
      }
      try {
        sub.callback(result.value);
      } catch (cause) {
        this.#state.report(
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
      this.#state.report(errorOf(event, 'The event stream dropped an event').error);
      return;
    }
    if (source.readyState === ReadyState.CONNECTING) {
      // [spec] the EventSource reconnects by itself, with the last id in Last-Event-ID.
      this.#state.retrying(event, 'Cannot reach the server');
      return;
    }
    // The transport gave up: a refused answer, or a failure the platform treats as final.
    source.close();
    this.#current = undefined;
    const carried = (event as { error?: unknown } | undefined)?.error;
    if (carried instanceof SseError) {
      const { error, status } = errorOf(event, 'The event stream failed');
      this.#giveUp(error, status);
      return;
    }
    // A platform EventSource says nothing of why: one plain request tells a refusal (a typo'd URL's
    // 404, a 401) from a network failure, so that the browser and Node report the same error.
    this.#state.set('reconnecting');
    const plan = this.#plan();
    const url = source.url;
    void probeRefusal(
      this.#options.fetch ?? (globalThis.fetch as never),
      url,
      this.#options.withCredentials ?? false,
    ).then((refusal) => {
      if (this.#closed || this.#current !== undefined || this.#retryTimer !== undefined) return;
      if (this.#plan().key !== plan.key) {
        this.#reconcile();
        return;
      }
      if (refusal) this.#giveUp(refusal.error, refusal.status);
      else this.#giveUp(errorOf(event, 'The event stream failed').error, undefined);
    });
  }

  /** After the transport stopped: drop one refused subscription, retry with backoff, or close. */
  #giveUp(error: SseError, status: number | undefined): void {
    const refusedEvent = error.code === SseErrorCode.UNKNOWN_EVENT ? error.event : undefined;
    if (refusedEvent !== undefined && this.#byName.has(refusedEvent)) {
      // A client built from a newer contract: the server does not know this event. Only its
      // subscriptions go; the connection reopens at once for the others.
      this.#byName.delete(refusedEvent);
      this.#state.report(error);
      this.#reconcile();
      return;
    }
    if (!isRetryable(status)) {
      this.#state.report(error);
      this.#state.set('closed');
      return;
    }
    const failures = this.#state.failed(error);
    // The transport's backoff: the one rule for how long to wait after failures in a row.
    const delay = reconnectDelayMs({
      retryMs: 1_000,
      failures,
      maxRetryMs: this.#options.maxRetryMs ?? 30_000,
    });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#reconcile();
    }, delay);
  }

  // A storm of resets (5 000 `ssekit.reset` in a row, a server in a restart loop) is one resync:
  // the first reset of a burst reaches onReset at once, in order with the events after it; the
  // next ones are merged into it until an event was delivered, since they tell the app nothing new.
  #queueReset(info: ResetInfo): void {
    if (this.#resetMerged) return;
    this.#resetMerged = true;
    this.#options.onReset?.(info);
  }

  #resumeId(): string | undefined {
    // FetchEventSource also knows the id of an id-only block (the server's position at connect).
    const fromSource = (this.#current?.source as { lastEventId?: unknown } | undefined)
      ?.lastEventId;
    if (typeof fromSource === 'string' && fromSource !== '') {
      if (isNewer(fromSource, this.#lastEventId)) this.#lastEventId = fromSource;
    }
    return this.#lastEventId;
  }

  /** Where a new connection for `subs` resumes: the oldest id any of them has seen. */
  #oldestSeen(subs: ReadonlySet<Subscription>): string | undefined {
    return oldestOf([this.#resumeId(), ...[...subs].map((sub) => sub.seenUpTo)]);
  }

  #drop(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#overlap.end();
    if (this.#current) {
      this.#resumeId();
      this.#current.source.close();
      this.#current = undefined;
    }
  }
}
