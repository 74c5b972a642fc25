// Opening a connection: the platform EventSource or FetchEventSource, chosen by what the request needs.
// The broadcast connection and RPC streams call it; the transport does the rest (backoff included).
import { SseError, SseErrorCode } from '@ssekit/core';
import { FetchEventSource } from '../transport/fetch-event-source.js';
import { callerHeaders, type FetchEventSourceInit } from '../transport/options.js';
import { getPlatformEventSource } from '../transport/platform.js';
import type { EventSourceLike, MessageEventLike } from '../transport/types.js';
import type { ClientOptions } from '../types.js';

/** How a connection should be opened. */
export interface SourceRequest {
  url: string;
  /** Use `FetchEventSource` even without headers: needed for topic routing, POST bodies and error bodies. */
  preferFetch: boolean;
  method?: 'GET' | 'POST';
  body?: string;
  lastEventId?: string | undefined;
  /** Events the parser dropped (past `maxEventLength`): reported, while the connection goes on. */
  onParseError?: (error: SseError) => void;
}

/** A message event, with the `topic` that FetchEventSource reads from ssekit's `topic:` field. */
export type TopicMessageEvent = MessageEventLike & { readonly topic?: string };

/**
 * Pick the transport: `FetchEventSource` when headers or a custom fetch are given, when the caller
 * needs what only it can do, or when there is no other; else the given or the platform `EventSource`.
 */
export function openSource(options: ClientOptions, request: SourceRequest): EventSourceLike {
  const Native = options.EventSource ?? getPlatformEventSource();
  const canFetch = typeof options.fetch === 'function' || typeof globalThis.fetch === 'function';
  const needsFetch =
    options.headers !== undefined || options.fetch !== undefined || request.method === 'POST';
  if (!needsFetch && Native && !(request.preferFetch && canFetch)) {
    return new Native(request.url, { withCredentials: options.withCredentials ?? false });
  }
  if (!canFetch) {
    throw new SseError(
      SseErrorCode.NETWORK_ERROR,
      'Neither EventSource nor fetch is available: pass options.EventSource',
    );
  }
  return new FetchEventSource(request.url, {
    withCredentials: options.withCredentials ?? false,
    headers: request.body === undefined ? options.headers : withJsonContentType(options.headers),
    fetch: options.fetch,
    method: request.method,
    body: request.body,
    lastEventId: request.lastEventId,
    onParseError: request.onParseError,
  });
}

/** The caller's headers plus `Content-Type: application/json`, for a POST body. */
function withJsonContentType(
  headers: FetchEventSourceInit['headers'],
): FetchEventSourceInit['headers'] {
  return async () => ({ ...(await callerHeaders(headers)), 'content-type': 'application/json' });
}
