// `shareAcrossTabs`: one client's side of the connection shared by the tabs of an origin. It
// elects the holder with Web Locks, talks over a BroadcastChannel, opens the client's sources.
import type { EventSourceLike } from '../transport/types.js';
import type { ClientOptions, TabShareLike } from '../types.js';
import { type ShareMessage, type SharePlatform, shareName, sharePlatform } from './messages.js';
import { ShareHolder } from './share-holder.js';
import { SharedSource, type SourceLink } from './shared-source.js';

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return (
    crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`
  );
}

/**
 * One client's membership in the share of its URL. While the client has a connection, it queues
 * for the URL's lock; the tab that gets it holds the one real connection (`ShareHolder`) for every
 * tab. Each client also holds a lock of its own for its lifetime, so that the holder learns when a
 * tab went away without a word (its requests are dropped from the filter).
 */
export class TabShare implements SourceLink, TabShareLike {
  readonly #platform: SharePlatform;
  readonly #options: ClientOptions;
  readonly #name: string;
  readonly #clientId = randomId();
  readonly #channel;
  readonly #sources = new Map<string, SharedSource>();
  #nextSource = 0;
  #tenures = 0;
  /** Messages wait here until this client's presence lock is held (the holder watches it). */
  #outbox: ShareMessage[] | undefined = [];
  #releasePresence: (() => void) | undefined;
  /** Set while queued for, or holding, the URL's lock. */
  #lock: AbortController | undefined;
  #releaseLock: (() => void) | undefined;
  #holder: { holder: ShareHolder; watching: AbortController; watched: Set<string> } | undefined;
  #closed = false;

  constructor(platform: SharePlatform, options: ClientOptions) {
    this.#platform = platform;
    this.#options = options;
    this.#name = shareName(options.url);
    this.#channel = platform.openChannel(this.#name);
    this.#channel.onmessage = (event) => this.#receive(event.data as ShareMessage);
    platform.locks
      .request(this.#presenceName(this.#clientId), {}, () => {
        const outbox = this.#outbox ?? [];
        this.#outbox = undefined;
        for (const message of outbox) this.#send(message);
        return new Promise<void>((resolve) => {
          this.#releasePresence = resolve;
          if (this.#closed) resolve();
        });
      })
      .catch(() => {});
  }

  /** Open a connection of this client through the share. */
  open(request: Parameters<TabShareLike['open']>[0]): EventSourceLike {
    return new SharedSource({
      id: `${this.#clientId}:${++this.#nextSource}`,
      url: request.url,
      filter: request.filter,
      lastEventId: request.lastEventId,
      link: this,
    });
  }

  /** Whether this client holds the shared connection right now (for tests and diagnostics). */
  get holding(): boolean {
    return this.#holder !== undefined;
  }

  request(source: SharedSource): void {
    if (this.#closed) return;
    this.#sources.set(source.id, source);
    this.#send({
      type: 'request',
      id: source.id,
      seq: source.seq,
      client: this.#clientId,
      filter: source.filter,
      lastEventId: source.lastEventId,
    });
    this.#queueForLock();
  }

  release(source: SharedSource): void {
    if (!this.#sources.delete(source.id)) return;
    this.#send({ type: 'release', id: source.id });
    // A tab that needs nothing leaves the queue; a holder stays while any tab needs the connection.
    if (this.#sources.size === 0 && !this.#holder) this.#leaveQueue();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const source of [...this.#sources.values()]) source.close();
    this.#resign();
    this.#leaveQueue();
    this.#releasePresence?.();
    this.#channel.close();
  }

  #presenceName(client: string): string {
    return `${this.#name}#client:${client}`;
  }

  #send(message: ShareMessage): void {
    if (this.#outbox) {
      this.#outbox.push(message);
      return;
    }
    if (this.#closed && message.type !== 'release') return;
    this.#channel.postMessage(message);
    // A channel does not hear itself: this tab's holder gets its own tab's requests directly.
    this.#holder?.holder.handle(message);
  }

  /** From this tab's holder: to every other tab, and to this tab's own sources. */
  #post(message: ShareMessage): void {
    if (this.#closed) return;
    this.#channel.postMessage(message);
    this.#receive(message);
  }

  #receive(message: ShareMessage): void {
    if (message.type === 'request' || message.type === 'release') {
      this.#holder?.holder.handle(message);
      return;
    }
    for (const source of [...this.#sources.values()]) source.receive(message);
  }

  #queueForLock(): void {
    if (this.#lock || this.#closed) return;
    const lock = new AbortController();
    this.#lock = lock;
    this.#platform.locks
      .request(this.#name, { signal: lock.signal }, () => {
        if (this.#closed || lock.signal.aborted) return Promise.resolve();
        return new Promise<void>((resolve) => {
          this.#releaseLock = resolve;
          this.#becomeHolder();
        });
      })
      .catch(() => {}) // aborted while queued
      .finally(() => {
        if (this.#lock !== lock) return;
        this.#lock = undefined;
        this.#releaseLock = undefined;
        if (this.#sources.size > 0) this.#queueForLock();
      });
  }

  #leaveQueue(): void {
    if (this.#holder) return;
    this.#lock?.abort();
  }

  #becomeHolder(): void {
    const watching = new AbortController();
    const watched = new Set<string>();
    const holder = new ShareHolder({
      id: `${this.#clientId}#${++this.#tenures}`,
      options: this.#options,
      post: (message) => this.#post(message),
      onIdle: () => this.#resign(),
      watchClient: (client) => {
        if (client === this.#clientId || watched.has(client)) return;
        watched.add(client);
        // Granted only once that client's own lock is free: its tab closed or it was closed.
        this.#platform.locks
          .request(this.#presenceName(client), { signal: watching.signal }, async () => {
            watched.delete(client);
            holder.dropClient(client);
          })
          .catch(() => {});
      },
    });
    this.#holder = { holder, watching, watched };
    holder.start();
  }

  #resign(): void {
    const held = this.#holder;
    if (!held) return;
    this.#holder = undefined;
    held.watching.abort();
    held.holder.close();
    this.#releaseLock?.();
  }
}

/**
 * Share one SSE connection between the tabs of an origin: pass this function as the
 * `shareAcrossTabs` option of `createClient`. The tabs elect one holder with Web Locks; it opens one
 * connection with the union of every tab's subscriptions and posts its events, undecoded, on a
 * `BroadcastChannel`; each tab decodes, validates and dedupes them by id as it does its own. When
 * the holder's tab closes, another takes over and resumes from the oldest id any tab has seen.
 * Returns `undefined` (the client opens its own connection) where Web Locks or `BroadcastChannel` is
 * missing, as in Node.
 *
 * @example
 * ```ts
 * import { shareAcrossTabs } from '@ssekit/client';
 * const client = createClient({ url: '/sse', shareAcrossTabs });
 * ```
 */
export function shareAcrossTabs(options: ClientOptions): TabShare | undefined {
  const platform = sharePlatform();
  return platform ? new TabShare(platform, options) : undefined;
}
