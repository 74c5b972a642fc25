// What the tabs of one origin say to each other over a BroadcastChannel when they share one SSE
// connection (`shareAcrossTabs`), and the platform pieces it needs: Web Locks and BroadcastChannel.
import type { SseErrorJson } from '@ssekit/core';
import type { FilterEntry } from '../broadcast/plan.js';

/** One event as the shared connection received it, undecoded: each tab decodes it itself. */
export interface SharedFrame {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
  readonly topic?: string;
}

/**
 * The channel's messages, tagged by `type`. A tab's connection (a "request") goes to the holder;
 * the holder answers with `open`, `event` and `error`, stamped with its id and its connection's
 * number, so that a tab never mixes two holders' or two connections' streams.
 *
 * A channel keeps the order of one sender's messages, not of two senders': a holder that just
 * closed can still be heard after the next holder's `hello`. So a tab asks again with a new `seq`
 * after every `hello`, and `open` and `error` name the requests they answer by ticket (id and seq,
 * {@link ticketOf}): an answer to an older request, from whichever holder, is stale and ignored.
 */
export type ShareMessage =
  /** A tab took the lock: every tab sends its requests again (the last holder is gone). */
  | { readonly type: 'hello'; readonly holder: string }
  /** A tab's connection: its filter, and the id it has seen up to (`undefined`: from now). */
  | {
      readonly type: 'request';
      readonly id: string;
      /** How many times this connection has asked: one more after every `hello`. */
      readonly seq: number;
      readonly client: string;
      readonly filter: readonly FilterEntry[];
      readonly lastEventId: string | undefined;
    }
  /** A tab's connection closed. */
  | { readonly type: 'release'; readonly id: string }
  /** The shared connection `conn` is open and carries these requests (their tickets). */
  | {
      readonly type: 'open';
      readonly holder: string;
      readonly conn: number;
      readonly tickets: readonly string[];
    }
  /** An event of the shared connection `conn`, for every request it carries. */
  | {
      readonly type: 'event';
      readonly holder: string;
      readonly conn: number;
      readonly frame: SharedFrame;
    }
  /** The shared connection failed: `readyState` says how, as on an `EventSource`. */
  | {
      readonly type: 'error';
      readonly holder: string;
      readonly tickets: readonly string[];
      readonly readyState: number;
      readonly error: SseErrorJson;
      readonly status: number | undefined;
    };

/** One ask of one request: its id and its `seq`, as `open` and `error` name it. */
export function ticketOf(request: { readonly id: string; readonly seq: number }): string {
  return `${request.id}@${request.seq}`;
}

/** The part of a `BroadcastChannel` the share uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { readonly data: unknown }) => unknown) | null;
  close(): void;
}

/** The part of Web Locks (`navigator.locks`) the share uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<unknown>,
  ): Promise<unknown>;
}

/** The platform pieces a share needs. */
export interface SharePlatform {
  readonly locks: LockManagerLike;
  readonly openChannel: (name: string) => ChannelLike;
}

/**
 * Web Locks and BroadcastChannel when the runtime has both (browsers), else `undefined`: the client
 * then opens its own connection (Node, an old browser, a page without a secure context).
 */
export function sharePlatform(): SharePlatform | undefined {
  const g = globalThis as {
    navigator?: { locks?: LockManagerLike };
    BroadcastChannel?: new (name: string) => ChannelLike;
  };
  const locks = g.navigator?.locks;
  const Channel = g.BroadcastChannel;
  if (typeof locks?.request !== 'function' || typeof Channel !== 'function') return undefined;
  return { locks, openChannel: (name) => new Channel(name) };
}

/** The name of the lock and the channel of one SSE base URL: one shared connection per URL. */
export function shareName(url: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let absolute = url;
  try {
    absolute = new URL(url, base).href;
  } catch {}
  return `ssekit:${absolute}`;
}
